"""The manuscript: a draft as one page the model continues in place."""
