<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ContextIndicator</name>
    <message numerus="yes">
        <source>The next prompt uses {used} of the model&apos;s {n_ctx} positions; up to %n remain for the reply.</source>
        <translation>
            <numerusform>The next prompt uses {used} of the model&apos;s {n_ctx} positions; up to %n remains for the reply.</numerusform>
            <numerusform>The next prompt uses {used} of the model&apos;s {n_ctx} positions; up to %n remain for the reply.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln earlier characters left out</source>
        <translation>
            <numerusform>%Ln earlier character left out</numerusform>
            <numerusform>%Ln earlier characters left out</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConversationFiles</name>
    <message numerus="yes">
        <source>Nothing new in {file}: its %n conversations are already here (same id).</source>
        <translation>
            <numerusform>Nothing new in {file}: its %n conversation is already here (same id).</numerusform>
            <numerusform>Nothing new in {file}: its %n conversations are already here (same id).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n conversations from {file}.</source>
        <translation>
            <numerusform>Imported %n conversation from {file}.</numerusform>
            <numerusform>Imported %n conversations from {file}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conversations were already here (same id) and were skipped.</source>
        <translation>
            <numerusform>%n conversation was already here (same id) and was skipped.</numerusform>
            <numerusform>%n conversations were already here (same id) and were skipped.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatusLine</name>
    <message numerus="yes">
        <source>%n tokens</source>
        <translation>
            <numerusform>%n token</numerusform>
            <numerusform>%n tokens</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WindowMeter</name>
    <message numerus="yes">
        <source>%n words</source>
        <extracomment>How long the counts and the window&apos;s start wait for typing to pause.</extracomment>
        <translation>
            <numerusform>%n word</numerusform>
            <numerusform>%n words</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n characters</source>
        <translation>
            <numerusform>%n character</numerusform>
            <numerusform>%n characters</numerusform>
        </translation>
    </message>
</context>
</TS>
