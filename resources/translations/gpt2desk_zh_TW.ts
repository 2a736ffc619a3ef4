<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW">
<context>
    <name>AlternativesBar</name>
    <message>
        <source>Previous alternative</source>
        <translation>上一個替代版本</translation>
    </message>
    <message>
        <source>Previous alternative (Alt+Left)</source>
        <translation>上一個替代版本（Alt+←）</translation>
    </message>
    <message>
        <source>Next alternative</source>
        <translation>下一個替代版本</translation>
    </message>
    <message>
        <source>Next alternative (Alt+Right)</source>
        <translation>下一個替代版本（Alt+→）</translation>
    </message>
    <message>
        <source>Alternatives of this continuation</source>
        <translation>這段接續的替代版本</translation>
    </message>
    <message>
        <source>Alternative %1 of %2</source>
        <translation>第 %1 個替代版本，共 %2 個</translation>
    </message>
    <message>
        <source>This continuation has %1 alternatives; this is number %2.</source>
        <translation>這段接續有 %1 個替代版本；目前是第 %2 個。</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>gpt2desk could not start: {error}</source>
        <translation>gpt2desk 無法啟動：{error}</translation>
    </message>
    <message>
        <source>Details are in {path}.</source>
        <translation>詳細資訊在 {path}。</translation>
    </message>
</context>
<context>
    <name>AppearanceMenu</name>
    <message>
        <source>Follow the system</source>
        <translation>跟隨系統</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>淺色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>佈景主題</translation>
    </message>
    <message>
        <source>Writing font…</source>
        <translation>寫作字型…</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>語言</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系統語言</translation>
    </message>
    <message>
        <source>The new language is used from the next start of gpt2desk.</source>
        <translation>新的語言會在下次啟動 gpt2desk 時生效。</translation>
    </message>
</context>
<context>
    <name>Autocomplete</name>
    <message>
        <source>Suggest continuation</source>
        <translation>建議接續內容</translation>
    </message>
    <message>
        <source>Three short continuations at the cursor, in drafts (Tab in the composer)</source>
        <translation>在草稿的游標處提供三個簡短的接續內容（在輸入框按 Tab）</translation>
    </message>
    <message>
        <source>Suggestions are for drafts; in a chat, Tab types a tab.</source>
        <translation>建議只用於草稿；在對話中，Tab 會輸入定位字元。</translation>
    </message>
    <message>
        <source>The model is writing; ask for suggestions once it is done.</source>
        <translation>模型正在寫作；請等它完成後再要求建議。</translation>
    </message>
    <message>
        <source>No model is ready for suggestions yet.</source>
        <translation>還沒有可提供建議的模型。</translation>
    </message>
    <message>
        <source>(no words)</source>
        <translation>（沒有文字）</translation>
    </message>
    <message>
        <source>Suggestion {n} of {count}: {text}</source>
        <translation>第 {n} 個建議，共 {count} 個：{text}</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>◀ Previous version</source>
        <translation>◀ 上一個版本</translation>
    </message>
    <message>
        <source>Next version ▶</source>
        <translation>下一個版本 ▶</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新產生</translation>
    </message>
    <message>
        <source>Regenerate with the same seed</source>
        <translation>以相同種子重新產生</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>接續</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>編輯…</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>對話</translation>
    </message>
    <message>
        <source>Your messages and the model&apos;s replies</source>
        <translation>你的訊息與模型的回覆</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>… ({n} earlier characters not shown)</source>
        <translation>…（前面 {n} 個字元未顯示）</translation>
    </message>
</context>
<context>
    <name>ContextIndicator</name>
    <message>
        <source>Context: writing…</source>
        <translation>上下文：寫作中…</translation>
    </message>
    <message>
        <source>Context {used}/{n_ctx}</source>
        <translation>上下文 {used}/{n_ctx}</translation>
    </message>
    <message numerus="yes">
        <source>The next prompt uses {used} of the model&apos;s {n_ctx} positions; up to %n remain for the reply.</source>
        <translation>
            <numerusform>下一個提示會用掉模型 {n_ctx} 個位置中的 {used} 個；最多還有 %n 個位置可供回覆。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln earlier characters left out</source>
        <translation>
            <numerusform>已省略前面 %Ln 個字元</numerusform>
        </translation>
    </message>
    <message>
        <source>Left out because it no longer fits (oldest first):</source>
        <translation>因為放不下而省略的內容（由最舊的開始）：</translation>
    </message>
</context>
<context>
    <name>ConversationFiles</name>
    <message>
        <source>Import cancelled: nothing was imported.</source>
        <extracomment>Larger files are refused before being read (and a device is never read).</extracomment>
        <translation>已取消匯入：沒有匯入任何東西。</translation>
    </message>
    <message>
        <source>Export cancelled: no file was written.</source>
        <translation>已取消匯出：沒有寫入任何檔案。</translation>
    </message>
    <message>
        <source>There is no conversation to export.</source>
        <translation>沒有可匯出的對話。</translation>
    </message>
    <message>
        <source>Cannot write {path}: {error}</source>
        <translation>無法寫入 {path}：{error}</translation>
    </message>
    <message>
        <source>Writing {path} failed: {error}</source>
        <translation>寫入 {path} 失敗：{error}</translation>
    </message>
    <message>
        <source>Exported to {path}</source>
        <translation>已匯出到 {path}</translation>
    </message>
    <message>
        <source>Cannot import {file}: {error}</source>
        <translation>無法匯入 {file}：{error}</translation>
    </message>
    <message>
        <source>Cannot import {path}: it is not a file.</source>
        <translation>無法匯入 {path}：它不是檔案。</translation>
    </message>
    <message>
        <source>Cannot read {path}: {error}</source>
        <translation>無法讀取 {path}：{error}</translation>
    </message>
    <message>
        <source>Cannot import {path}: it is larger than 1 GB.</source>
        <translation>無法匯入 {path}：它大於 1 GB。</translation>
    </message>
    <message>
        <source>Imported {path}</source>
        <translation>已匯入 {path}</translation>
    </message>
    <message numerus="yes">
        <source>Nothing new in {file}: its %n conversations are already here (same id).</source>
        <translation>
            <numerusform>{file} 沒有新內容：其中 %n 個對話都已經在這裡（ID 相同）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n conversations from {file}.</source>
        <translation>
            <numerusform>已從 {file} 匯入 %n 個對話。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conversations were already here (same id) and were skipped.</source>
        <translation>
            <numerusform>%n 個對話已經在這裡（ID 相同），已略過。</numerusform>
        </translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>Text (*.txt)</source>
        <translation>純文字 (*.txt)</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <source>gpt2desk conversations</source>
        <translation>gpt2desk 對話</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>匯出</translation>
    </message>
    <message>
        <source>Text, Markdown or JSON (*.txt *.md *.markdown *.json);;All files (*)</source>
        <translation>文字、Markdown 或 JSON (*.txt *.md *.markdown *.json);;所有檔案 (*)</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>匯入</translation>
    </message>
</context>
<context>
    <name>ConversationMenu</name>
    <message>
        <source>&amp;Conversation</source>
        <translation>對話(&amp;C)</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新對話</translation>
    </message>
    <message>
        <source>New draft</source>
        <translation>新草稿</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>復原</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Regenerate last reply</source>
        <translation>重新產生最後的回覆</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>接續</translation>
    </message>
    <message>
        <source>Edit last turn…</source>
        <translation>編輯最後一輪…</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>上一個版本</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>下一個版本</translation>
    </message>
    <message>
        <source>Import text, Markdown or JSON…</source>
        <translation>匯入文字、Markdown 或 JSON…</translation>
    </message>
    <message>
        <source>Export as Markdown…</source>
        <translation>匯出為 Markdown…</translation>
    </message>
    <message>
        <source>Export as plain text…</source>
        <translation>匯出為純文字…</translation>
    </message>
    <message>
        <source>Export all data as JSON…</source>
        <translation>將所有資料匯出為 JSON…</translation>
    </message>
    <message>
        <source>Retry from here</source>
        <translation>從這裡重寫</translation>
    </message>
    <message>
        <source>The model writes its text again from the cursor on; the old text stays</source>
        <translation>模型從游標處重新寫出它的文字；舊的文字會保留</translation>
    </message>
    <message>
        <source>Reproduce continuation</source>
        <translation>重現這段接續</translation>
    </message>
    <message>
        <source>Writes the continuation at the cursor again with its model, settings and seed</source>
        <translation>以原本的模型、設定與種子，重新寫出游標處的接續</translation>
    </message>
    <message>
        <source>Retry last continuation</source>
        <translation>重寫最後一段接續</translation>
    </message>
    <message>
        <source>Continue at cursor</source>
        <translation>在游標處接續</translation>
    </message>
    <message>
        <source>Previous alternative</source>
        <translation>上一個替代版本</translation>
    </message>
    <message>
        <source>Next alternative</source>
        <translation>下一個替代版本</translation>
    </message>
    <message>
        <source>Undo {change}</source>
        <translation>復原{change}</translation>
    </message>
    <message>
        <source>Redo {change}</source>
        <translation>重做{change}</translation>
    </message>
</context>
<context>
    <name>Crash</name>
    <message>
        <source>Something went wrong in gpt2desk: {error}</source>
        <translation>gpt2desk 發生錯誤：{error}</translation>
    </message>
    <message>
        <source>Details are in {path}.</source>
        <translation>詳細資訊在 {path}。</translation>
    </message>
</context>
<context>
    <name>DownloadCancelButton</name>
    <message>
        <source>Cancel download</source>
        <translation>取消下載</translation>
    </message>
    <message>
        <source>Stops the download; what arrived is kept</source>
        <translation>停止下載；已下載的部分會保留</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stops downloading {model}; what arrived is kept for Resume</source>
        <translation>停止下載 {model}；已下載的部分會保留，可稍後繼續下載</translation>
    </message>
    <message>
        <source>the model</source>
        <translation>模型</translation>
    </message>
</context>
<context>
    <name>DownloadWorker</name>
    <message>
        <source>Download of “{model}” cancelled.</source>
        <translation>已取消下載「{model}」。</translation>
    </message>
    <message>
        <source>Downloading “{model}” failed: {error}</source>
        <translation>下載「{model}」失敗：{error}</translation>
    </message>
    <message>
        <source>Checking “{model}” failed: {error}</source>
        <translation>檢查「{model}」失敗：{error}</translation>
    </message>
</context>
<context>
    <name>EditTurnDialog</name>
    <message>
        <source>Edit turn</source>
        <translation>編輯這一輪</translation>
    </message>
    <message>
        <source>Turn text</source>
        <translation>這一輪的文字</translation>
    </message>
    <message>
        <source>The edit is saved as a new version of this turn. Any later turns stay with the old version: ◀ ▶ beside the turn switch between them.</source>
        <translation>編輯後的內容會儲存為這一輪的新版本，之後的各輪仍屬於舊版本；用這一輪旁的 ◀ ▶ 切換版本。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>儲存</translation>
    </message>
    <message>
        <source>Save and continue</source>
        <translation>儲存並接續</translation>
    </message>
    <message>
        <source>Save and answer</source>
        <translation>儲存並回覆</translation>
    </message>
    <message>
        <source>The model goes on writing from the end of the edited text</source>
        <translation>模型從編輯後文字的結尾繼續寫</translation>
    </message>
    <message>
        <source>The model writes a new reply to the edited text</source>
        <translation>模型針對編輯後的文字寫出新的回覆</translation>
    </message>
</context>
<context>
    <name>FileJob</name>
    <message>
        <source>That failed because of a bug in gpt2desk ({error}); the log has the details.</source>
        <extracomment>Shown after this long, so that a quick job never flashes a dialog.</extracomment>
        <translation>因 gpt2desk 的程式錯誤而失敗（{error}）；詳情請見記錄檔。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>gpt2desk</source>
        <translation>gpt2desk</translation>
    </message>
</context>
<context>
    <name>FirstStart</name>
    <message>
        <source>gpt2desk can write in Traditional Chinese with {model}, a GPT-2 of CKIP Lab (Academia Sinica, Taiwan) trained on Traditional Chinese. It is a download of {size} and needs about {memory} of memory; its licence is {licence}.

Download it now? With No, gpt2desk uses gpt2, which writes English only; the Models window (Ctrl+Shift+M) has both.</source>
        <extracomment>The model chosen at the first start; absent until the question was answered.</extracomment>
        <translation>gpt2desk 可以用 {model} 寫繁體中文，這是中央研究院 CKIP 實驗室以繁體中文訓練的 GPT-2。它需要下載 {size}，約需 {memory} 記憶體；授權為 {licence}。

現在下載嗎？選「否」則使用只會寫英文的 gpt2；兩者都可在「模型」視窗（Ctrl+Shift+M）中選用。</translation>
    </message>
    <message>
        <source>A model that writes Traditional Chinese</source>
        <translation>會寫繁體中文的模型</translation>
    </message>
</context>
<context>
    <name>GenerationController</name>
    <message>
        <source>The model could not be loaded: {reason} Open Models… (Ctrl+Shift+M) to download or choose one; your text is kept.</source>
        <translation>無法載入模型：{reason} 請開啟「模型…」（Ctrl+Shift+M）下載或選擇一個模型；你的文字已保留。</translation>
    </message>
    <message>
        <source>No model is loaded: {reason} Open Models… (Ctrl+Shift+M) to choose one; your text is kept.</source>
        <translation>尚未載入模型：{reason} 請開啟「模型…」（Ctrl+Shift+M）選擇一個模型；你的文字已保留。</translation>
    </message>
    <message>
        <source>The model is writing; your text is kept.</source>
        <translation>模型正在寫作；你的文字已保留。</translation>
    </message>
</context>
<context>
    <name>HelpMenu</name>
    <message>
        <source>&amp;Help</source>
        <translation>說明(&amp;H)</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>鍵盤快速鍵</translation>
    </message>
    <message>
        <source>Open log file</source>
        <translation>開啟記錄檔</translation>
    </message>
    <message>
        <source>About gpt2desk</source>
        <translation>關於 gpt2desk</translation>
    </message>
    <message>
        <source>There is no log file yet.</source>
        <translation>目前還沒有記錄檔。</translation>
    </message>
    <message>
        <source>Log file</source>
        <translation>記錄檔</translation>
    </message>
    <message>
        <source>No program to open the log file was found. The log file is:
{path}</source>
        <translation>找不到可開啟記錄檔的程式。記錄檔位於：
{path}</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>複製路徑</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>未安裝</translation>
    </message>
    <message>
        <source>Offline writing assistant: GPT-2 continues your text on your own computer.</source>
        <translation>離線寫作助手：GPT-2 在你自己的電腦上接續你的文字。</translation>
    </message>
    <message>
        <source>Log file: {path}</source>
        <translation>記錄檔：{path}</translation>
    </message>
</context>
<context>
    <name>Hub</name>
    <message>
        <source>“{text}” is not a Hub address: write it with http:// or https://, for example https://hf-mirror.com.</source>
        <translation>「{text}」不是 Hub 位址：請以 http:// 或 https:// 開頭，例如 https://hf-mirror.com。</translation>
    </message>
    <message>
        <source>“{text}” is a path: add a folder with “Add folder…”, not as a Hub id.</source>
        <translation>「{text}」是路徑：請用「新增資料夾…」加入資料夾，不要當成 Hub ID。</translation>
    </message>
    <message>
        <source>“{text}” is not a valid Hub id: use a name such as gpt2 or user/model-name (letters, digits, &apos;-&apos;, &apos;_&apos;, &apos;.&apos;; at most one &apos;/&apos;).</source>
        <translation>「{text}」不是有效的 Hub ID：請使用像 gpt2 或 user/model-name 這樣的名稱（英文字母、數字、「-」、「_」、「.」；最多一個「/」）。</translation>
    </message>
    <message>
        <source>There is no model named “{model}” on {host}.</source>
        <extracomment>Weights gpt2desk reads, in the order it prefers them (none of them is pickle). Conversion pull requests tried, newest first, at most. Larger &quot;sizes&quot; are not a GPT-2&apos;s file (the largest is ~6.5 GB): dropped, not summed.</extracomment>
        <translation>{host} 上沒有名為「{model}」的模型。</translation>
    </message>
    <message>
        <source>“{model}” has no config.json, so it is not a transformers model.</source>
        <translation>「{model}」沒有 config.json，因此不是 transformers 模型。</translation>
    </message>
    <message>
        <source>“{model}” has only split (sharded) weights, which gpt2desk cannot load.</source>
        <translation>「{model}」只有分割成多個檔案的權重，gpt2desk 無法載入。</translation>
    </message>
    <message>
        <source>“{model}” has only pickle weights (pytorch_model.bin), which gpt2desk never loads: they can run code. The Hub has no safetensors conversion of them either (an open pull request by SFconvertbot).</source>
        <translation>「{model}」只有 pickle 格式的權重（pytorch_model.bin），gpt2desk 絕不載入這種檔案：它可能執行程式碼。Hub 上也沒有它的 safetensors 轉換（SFconvertbot 開啟的合併請求）。</translation>
    </message>
    <message>
        <source>“{model}” has no model.safetensors, tf_model.h5 or flax_model.msgpack weights.</source>
        <translation>「{model}」沒有 model.safetensors、tf_model.h5 或 flax_model.msgpack 權重。</translation>
    </message>
    <message>
        <source>“{model}” has no tokenizer files (tokenizer.json, vocab.txt, or vocab.json and merges.txt).</source>
        <translation>「{model}」沒有分詞器檔案（tokenizer.json、vocab.txt，或 vocab.json 與 merges.txt）。</translation>
    </message>
    <message>
        <source>The connection to {host} kept dropping while downloading {file} of “{model}” ({tries} tries). What arrived is kept: press Resume to continue.</source>
        <extracomment>Bytes per read while streaming: also how often progress moves and cancel is seen. Attempts per file in all, even when each one brings new bytes. Seconds without a byte after which a server is taken to have stopped sending.</extracomment>
        <translation>下載「{model}」的 {file} 時，與 {host} 的連線一再中斷（已嘗試 {tries} 次）。已下載的部分會保留：按「繼續下載」即可接著下載。</translation>
    </message>
    <message>
        <source>The config.json of “{model}” is not valid JSON.</source>
        <translation>「{model}」的 config.json 不是有效的 JSON。</translation>
    </message>
    <message>
        <source>“{model}” is a {type} model; gpt2desk runs GPT-2 models only.</source>
        <translation>「{model}」是 {type} 模型；gpt2desk 只能執行 GPT-2 模型。</translation>
    </message>
    <message>
        <source>{file} of “{model}” arrived damaged: its sha256 is {actual}…, the Hub says {expected}…. The bad file was deleted; download the model again.</source>
        <translation>「{model}」的 {file} 下載後已損壞：它的 sha256 是 {actual}…，Hub 上記載的是 {expected}…。損壞的檔案已刪除；請重新下載模型。</translation>
    </message>
    <message>
        <source>{host} sent “{value}” as the commit id of “{model}”, but a commit id is 40 hex digits. The download was refused so that nothing is written outside the model cache: check the Hub endpoint setting.</source>
        <translation>{host} 傳來「{value}」作為「{model}」的提交 ID，但提交 ID 應為 40 位十六進位數字。為了不在模型快取以外寫入任何檔案，已拒絕這次下載：請檢查 Hub 端點設定。</translation>
    </message>
    <message>
        <source>{host} sent “{value}” as the id of {file} of “{model}”, but a file id is 40 or 64 hex digits. The download was refused so that nothing is written outside the model cache: check the Hub endpoint setting.</source>
        <translation>{host} 傳來「{value}」作為「{model}」的 {file} 的檔案 ID，但檔案 ID 應為 40 或 64 位十六進位數字。為了不在模型快取以外寫入任何檔案，已拒絕這次下載：請檢查 Hub 端點設定。</translation>
    </message>
    <message>
        <source>{host} listed a file named “{value}” in “{model}”, which is not a file name inside the model&apos;s folder. The download was refused so that nothing is written outside the model cache: check the Hub endpoint setting.</source>
        <translation>{host} 在「{model}」中列出名為「{value}」的檔案，這不是模型資料夾內的檔名。為了不在模型快取以外寫入任何檔案，已拒絕這次下載：請檢查 Hub 端點設定。</translation>
    </message>
    <message>
        <source>{host} sent “{value}” as the pull request of the safetensors conversion of “{model}”, but a pull request is refs/pr/ and a number. The download was refused so that nothing is written outside the model cache: check the Hub endpoint setting.</source>
        <translation>{host} 傳來「{value}」作為「{model}」safetensors 轉換的合併請求，但合併請求應為 refs/pr/ 加上數字。為了不在模型快取以外寫入任何檔案，已拒絕這次下載：請檢查 Hub 端點設定。</translation>
    </message>
    <message>
        <source>The model information {host} sent for “{model}” is malformed ({detail}): it is not what the Hub sends. Check the Hub endpoint setting. Nothing was saved.</source>
        <translation>{host} 傳來的「{model}」模型資訊格式錯誤（{detail}）：這不是 Hub 會傳送的內容。請檢查 Hub 端點設定。沒有儲存任何東西。</translation>
    </message>
    <message>
        <source>{host} stopped sending {file} of “{model}” (nothing arrived for {seconds:g} s). What arrived is kept: press Resume to continue.</source>
        <translation>{host} 停止傳送「{model}」的 {file}（已有 {seconds:g} 秒沒有收到資料）。已收到的部分會保留：按「繼續下載」即可接續。</translation>
    </message>
    <message>
        <source>{file} of “{model}”</source>
        <translation>「{model}」的 {file}</translation>
    </message>
    <message>
        <source>{host} redirects in a loop when asked for {what}: its answers lead back to where they started. Check the Hub endpoint setting, or try again later.</source>
        <translation>向 {host} 要求 {what} 時發生循環重新導向：它的回應又導回原處。請檢查 Hub 端點設定，或稍後再試。</translation>
    </message>
    <message>
        <source>{host} answered with a web page instead of the Hub&apos;s data: a captive portal (a Wi-Fi login page) or a proxy is in the way. Log in to the network in a web browser, or check the Hub endpoint setting. Nothing was saved.</source>
        <translation>{host} 回傳的是網頁而不是 Hub 的資料：中間有強制登入頁面（例如無線網路的登入頁）或代理伺服器。請先用網頁瀏覽器登入網路，或檢查 Hub 端點設定。沒有儲存任何檔案。</translation>
    </message>
    <message>
        <source>Cannot download {what}: HF_HUB_OFFLINE is set in the environment.</source>
        <translation>無法下載 {what}：環境變數中設定了 HF_HUB_OFFLINE。</translation>
    </message>
    <message>
        <source>“{model}” is a gated model; gpt2desk does not use access tokens.</source>
        <translation>「{model}」是需要申請存取權的模型；gpt2desk 不使用存取權杖。</translation>
    </message>
    <message>
        <source>{what} is missing on {host}.</source>
        <translation>{host} 上找不到 {what}。</translation>
    </message>
    <message>
        <source>{what} arrived with the wrong size; the partial file was deleted. Download the model again.</source>
        <translation>{what} 下載後大小不符；不完整的檔案已刪除。請重新下載模型。</translation>
    </message>
    <message>
        <source>{host} cannot be reached, so {what} could not be downloaded. Check the connection (or the Hub endpoint setting) and press Resume.</source>
        <translation>無法連線到 {host}，因此無法下載 {what}。請檢查網路連線（或 Hub 端點設定），然後按「繼續下載」。</translation>
    </message>
    <message>
        <source>{host} answered HTTP {status} for {what}.</source>
        <translation>{host} 對 {what} 回應了 HTTP {status}。</translation>
    </message>
    <message>
        <source>Downloading {what} failed: {error}</source>
        <translation>下載 {what} 失敗：{error}</translation>
    </message>
    <message>
        <source>Using the safetensors conversion from pull request #{number} (not yet merged on the Hub).</source>
        <extracomment>Who opens the Hub&apos;s safetensors conversion pull requests, and their title (transformers 4.57, safetensors_conversion.py, checks the same two). Pages of discussions read (50 each on the Hub) at most.</extracomment>
        <translation>使用合併請求 #{number} 中的 safetensors 轉換（尚未在 Hub 上合併）。</translation>
    </message>
</context>
<context>
    <name>Import</name>
    <message>
        <source>{field}: missing. Nothing was imported.</source>
        <translation>{field}：缺少此欄位。沒有匯入任何東西。</translation>
    </message>
    <message>
        <source>{field}: {problem}, got {got}. Nothing was imported.</source>
        <translation>{field}：{problem}，但收到的是 {got}。沒有匯入任何東西。</translation>
    </message>
    <message>
        <source>{field}: {problem}. Nothing was imported.</source>
        <translation>{field}：{problem}。沒有匯入任何東西。</translation>
    </message>
    <message>
        <source>expected a string</source>
        <translation>應為字串</translation>
    </message>
    <message>
        <source>expected an id (a string of 1 to 200 printable characters)</source>
        <translation>應為 ID（1 到 200 個可列印字元的字串）</translation>
    </message>
    <message>
        <source>expected a string or null</source>
        <translation>應為字串或 null</translation>
    </message>
    <message>
        <source>expected a finite number</source>
        <translation>應為有限的數字</translation>
    </message>
    <message>
        <source>expected true or false</source>
        <translation>應為 true 或 false</translation>
    </message>
    <message>
        <source>expected true, false or null</source>
        <translation>應為 true、false 或 null</translation>
    </message>
    <message>
        <source>expected a whole number from 0 to 2^53</source>
        <translation>應為 0 到 2^53 的整數</translation>
    </message>
    <message>
        <source>expected a whole number from 0 to 2^53, or null</source>
        <translation>應為 0 到 2^53 的整數，或 null</translation>
    </message>
    <message>
        <source>expected a whole number from 0 to 2147483647</source>
        <translation>應為 0 到 2147483647 的整數</translation>
    </message>
    <message>
        <source>expected a whole number (the export&apos;s version, 1 or more)</source>
        <translation>應為整數（匯出檔的版本，1 或以上）</translation>
    </message>
    <message>
        <source>expected &quot;chat&quot; or &quot;draft&quot;</source>
        <translation>應為 &quot;chat&quot; 或 &quot;draft&quot;</translation>
    </message>
    <message>
        <source>expected &quot;user&quot; or &quot;assistant&quot;</source>
        <translation>應為 &quot;user&quot; 或 &quot;assistant&quot;</translation>
    </message>
    <message>
        <source>expected &quot;done&quot;, &quot;streaming&quot;, &quot;stopped&quot; or &quot;failed&quot;</source>
        <translation>應為 &quot;done&quot;、&quot;streaming&quot;、&quot;stopped&quot; 或 &quot;failed&quot;</translation>
    </message>
    <message>
        <source>expected a JSON value nested at most 32 deep, with no NaN</source>
        <translation>應為巢狀最多 32 層、不含 NaN 的 JSON 值</translation>
    </message>
    <message>
        <source>expected an object nested at most 32 deep, with no NaN</source>
        <translation>應為巢狀最多 32 層、不含 NaN 的物件</translation>
    </message>
    <message>
        <source>expected an object</source>
        <translation>應為物件</translation>
    </message>
    <message>
        <source>expected a list</source>
        <translation>應為清單</translation>
    </message>
    <message>
        <source>expected a list of [start, end, author] (two whole numbers and a string)</source>
        <translation>應為 [起點, 終點, 作者] 的清單（兩個整數和一個字串）</translation>
    </message>
    <message>
        <source>This is not a gpt2desk export (no &quot;format&quot;: &quot;gpt2desk&quot;).</source>
        <translation>這不是 gpt2desk 匯出的檔案（沒有 &quot;format&quot;: &quot;gpt2desk&quot;）。</translation>
    </message>
    <message>
        <source>This export was written by a newer gpt2desk.</source>
        <translation>這個匯出檔是由較新版本的 gpt2desk 寫入的。</translation>
    </message>
    <message>
        <source>another conversation of this file has this id</source>
        <translation>此檔案中另一個對話已使用這個 ID</translation>
    </message>
    <message>
        <source>another turn of this conversation has this id</source>
        <translation>此對話中另一則訊息已使用這個 ID</translation>
    </message>
    <message>
        <source>no turn of this conversation has this id</source>
        <translation>此對話中沒有訊息使用這個 ID</translation>
    </message>
    <message>
        <source>the turns&apos; parents go round in a loop</source>
        <translation>訊息的上層關係形成循環</translation>
    </message>
    <message>
        <source>its text, authorship, places and continuations do not fit together ({detail})</source>
        <translation>其文字、作者標記、位置與接續彼此不一致（{detail}）</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>清單</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>物件</translation>
    </message>
    <message>
        <source>a number of {n} digits</source>
        <translation>{n} 位數的數字</translation>
    </message>
    <message>
        <source>The file is nested too deeply to be a gpt2desk export. Nothing was imported.</source>
        <translation>這個檔案的巢狀層數太深，不可能是 gpt2desk 的匯出檔。沒有匯入任何東西。</translation>
    </message>
    <message>
        <source>The file is not valid JSON ({error}). Nothing was imported.</source>
        <translation>這個檔案不是有效的 JSON（{error}）。沒有匯入任何東西。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Loading {detail}…</source>
        <extracomment>The user cancelled the download of the model being loaded.</extracomment>
        <translation>正在載入 {detail}…</translation>
    </message>
    <message>
        <source>Preparing {detail} (compiling the decode step)…</source>
        <translation>正在準備 {detail}（編譯解碼步驟）…</translation>
    </message>
    <message>
        <source>Ready — {detail}</source>
        <translation>就緒 — {detail}</translation>
    </message>
    <message>
        <source>Generating with {detail}…</source>
        <translation>正在以 {detail} 產生文字…</translation>
    </message>
    <message>
        <source>Model failed: {detail}</source>
        <translation>模型發生錯誤：{detail}</translation>
    </message>
    <message>
        <source>Message or draft</source>
        <translation>訊息或草稿</translation>
    </message>
    <message>
        <source>Type a draft or a message — Ctrl+Enter sends, Esc stops</source>
        <translation>輸入草稿或訊息 — Ctrl+Enter 傳送，Esc 停止</translation>
    </message>
    <message>
        <source>Your text; the model continues it or answers it</source>
        <translation>你的文字；模型會接續或回覆它</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>傳送</translation>
    </message>
    <message>
        <source>Sends your text to the model (Ctrl+Enter)</source>
        <translation>將你的文字傳送給模型（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stops the reply being written (Esc)</source>
        <translation>停止正在寫的回覆（Esc）</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>檔案(&amp;F)</translation>
    </message>
    <message>
        <source>Open model folder…</source>
        <translation>開啟模型資料夾…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>結束</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>產生(&amp;G)</translation>
    </message>
    <message>
        <source>Clear conversation</source>
        <translation>清除對話</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>檢視(&amp;V)</translation>
    </message>
    <message>
        <source>Show settings panel</source>
        <translation>顯示設定面板</translation>
    </message>
    <message>
        <source>Models…</source>
        <translation>模型…</translation>
    </message>
    <message>
        <source>Download, delete and switch models; offline mode; mirror</source>
        <translation>下載、刪除與切換模型；離線模式；鏡像站</translation>
    </message>
    <message>
        <source>&amp;Models</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Find conversations</source>
        <translation>搜尋對話</translation>
    </message>
    <message>
        <source>Go to settings</source>
        <translation>前往設定</translation>
    </message>
    <message>
        <source>Continue from the end</source>
        <translation>從結尾接續</translation>
    </message>
    <message>
        <source>The model continues the draft from its end</source>
        <translation>模型從草稿結尾接著寫</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>接續</translation>
    </message>
    <message>
        <source>The model continues the draft from its end (Ctrl+Enter)</source>
        <translation>模型從草稿結尾接著寫（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>The model is not ready yet; your text is kept.</source>
        <translation>模型尚未就緒；你的文字已保留。</translation>
    </message>
    <message>
        <source>Choose a Hugging Face model folder</source>
        <translation>選擇 Hugging Face 模型資料夾</translation>
    </message>
    <message>
        <source> — still using {model}</source>
        <translation> — 仍在使用 {model}</translation>
    </message>
    <message>
        <source>first token {ms} ms</source>
        <translation>首個詞元 {ms} 毫秒</translation>
    </message>
    <message>
        <source>{rate} tokens/s</source>
        <translation>每秒 {rate} 個詞元</translation>
    </message>
    <message>
        <source>seed {seed}</source>
        <translation>種子 {seed}</translation>
    </message>
    <message>
        <source>the start of the prompt was left out to fit the model&apos;s window</source>
        <translation>提示開頭已省略，以符合模型的視窗長度</translation>
    </message>
    <message>
        <source>the window slid forward during the reply</source>
        <translation>回覆途中視窗已向前滑動</translation>
    </message>
</context>
<context>
    <name>ManuscriptEditor</name>
    <message>
        <source>Manuscript</source>
        <translation>稿件</translation>
    </message>
    <message>
        <source>Retry from here</source>
        <translation>從這裡重寫</translation>
    </message>
    <message>
        <source>Replace what the model wrote from here on with a new continuation</source>
        <translation>把模型從這裡之後寫的文字換成新的接續</translation>
    </message>
    <message>
        <source>The model reads from here: the text above this line is outside its window and does not shape what it writes next.</source>
        <translation>模型從這裡開始讀：這條線以上的文字在它的視窗之外，不會影響它接下來寫的內容。</translation>
    </message>
</context>
<context>
    <name>ManuscriptFlow</name>
    <message>
        <source>Nothing to retry yet: Ctrl+Enter lets the model continue.</source>
        <extracomment>Tokens are put into the editor at most this often (they reach the manuscript at once). Words, characters, tokens and the window&apos;s start (the status bar&apos;s label).</extracomment>
        <translation>還沒有可重寫的內容：按 Ctrl+Enter 讓模型接續。</translation>
    </message>
    <message>
        <source>Put the cursor inside the model&apos;s text to retry from there.</source>
        <translation>請把游標放在模型寫的文字中，才能從那裡重寫。</translation>
    </message>
    <message>
        <source>Put the cursor inside the model&apos;s text to reproduce it.</source>
        <translation>請把游標放在模型寫的文字中，才能重現它。</translation>
    </message>
    <message>
        <source>This continuation was written by {old}; {loaded} is loaded, so the new text may differ.</source>
        <translation>這段接續是由 {old} 寫的；目前載入的是 {loaded}，所以新的文字可能不同。</translation>
    </message>
    <message>
        <source>This continuation has no alternatives: Ctrl+R writes one.</source>
        <translation>這段接續沒有替代版本：按 Ctrl+R 寫一個。</translation>
    </message>
    <message>
        <source>The model is writing: press Esc to stop it first.</source>
        <translation>模型正在寫：請先按 Esc 停止。</translation>
    </message>
    <message>
        <source>Stopped before the model wrote anything.</source>
        <translation>在模型寫出任何文字之前就已停止。</translation>
    </message>
    <message>
        <source>The model wrote nothing this time; try again.</source>
        <translation>模型這次什麼也沒寫；請再試一次。</translation>
    </message>
</context>
<context>
    <name>ModelRows</name>
    <message>
        <source>Model</source>
        <extracomment>Columns whose index tests and the dialog use.</extracomment>
        <translation>模型</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>參數量</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下載</translation>
    </message>
    <message>
        <source>Memory needed</source>
        <translation>所需記憶體</translation>
    </message>
    <message>
        <source>On disk</source>
        <translation>已在磁碟上</translation>
    </message>
    <message>
        <source>Disk use</source>
        <translation>磁碟用量</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>語言</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>授權</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>not stated</source>
        <translation>未註明</translation>
    </message>
    <message>
        <source>{name}: writes Traditional Chinese (trained on text from Taiwan)</source>
        <translation>{name}：寫繁體中文（以臺灣的文字訓練）</translation>
    </message>
    <message>
        <source>{name}: writes Simplified Chinese; its output can be converted to Traditional Chinese (Taiwan)</source>
        <translation>{name}：寫簡體中文；輸出可轉換為繁體中文（臺灣）</translation>
    </message>
    <message>
        <source>The model card names no licence: ask its authors before you publish</source>
        <translation>模型卡未註明授權：發表前請先詢問作者</translation>
    </message>
    <message>
        <source>The licence of the model&apos;s weights</source>
        <translation>模型權重的授權</translation>
    </message>
    <message>
        <source>Partly downloaded</source>
        <translation>部分已下載</translation>
    </message>
    <message>
        <source>Not downloaded</source>
        <translation>未下載</translation>
    </message>
    <message>
        <source>found in the cache</source>
        <translation>在快取中找到</translation>
    </message>
    <message>
        <source>{name} (folder)</source>
        <translation>{name}（資料夾）</translation>
    </message>
    <message>
        <source> — in use</source>
        <translation> — 使用中</translation>
    </message>
    <message>
        <source>weights + tokenizer files</source>
        <translation>權重與分詞器檔案</translation>
    </message>
    <message>
        <source>Reading the cache…</source>
        <translation>正在讀取快取…</translation>
    </message>
    <message>
        <source>On disk (conversion pull request)</source>
        <translation>已在磁碟上（轉換合併請求）</translation>
    </message>
    <message>
        <source>{name}: reads and writes English only</source>
        <translation>{name}：只能讀寫英文</translation>
    </message>
    <message>
        <source>Memory needed ≈ 0.9 GB (TensorFlow runtime and compiled decode loop) + 6.05 bytes per parameter + 8 bytes x layers x 1056 x width (the key/value cache). Measured peaks on Linux: gpt2 1.55 GB, gpt2-medium 2.86 GB, gpt2-large 5.94 GB, gpt2-xl 10.62 GB; the window adds about 0.1 GB.</source>
        <translation>所需記憶體 ≈ 0.9 GB（TensorFlow 執行環境與編譯後的解碼迴圈）＋ 每個參數 6.05 位元組 ＋ 8 位元組 × 層數 × 1056 × 寬度（鍵值快取）。在 Linux 上實測的峰值：gpt2 1.55 GB，gpt2-medium 2.86 GB，gpt2-large 5.94 GB，gpt2-xl 10.62 GB；視窗另需約 0.1 GB。</translation>
    </message>
    <message>
        <source>{n} parameters</source>
        <translation>{n} 個參數</translation>
    </message>
    <message>
        <source>Reading the folder…</source>
        <translation>正在讀取資料夾…</translation>
    </message>
    <message>
        <source>The files in the folder (nothing to download)</source>
        <translation>資料夾中的檔案（無需下載）</translation>
    </message>
    <message>
        <source>Folder has a problem</source>
        <translation>資料夾有問題</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>資料夾</translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>下載中…</translation>
    </message>
</context>
<context>
    <name>ModelWorker</name>
    <message>
        <source>Downloading {model}…</source>
        <extracomment>How long the model must be unused before its compile goes on (see GPT2Runner.prepare_in_background). Where TensorFlow keeps compiled XLA code between launches (named at the first load, before TensorFlow is imported; None: not used).</extracomment>
        <translation>正在下載 {model}…</translation>
    </message>
    <message>
        <source>Downloading {model}: {progress}</source>
        <translation>正在下載 {model}：{progress}</translation>
    </message>
    <message>
        <source>Loading “{model}” failed: {error}</source>
        <translation>載入「{model}」失敗：{error}</translation>
    </message>
    <message>
        <source>No model is loaded yet.</source>
        <translation>尚未載入任何模型。</translation>
    </message>
    <message>
        <source>Generation failed: {error}</source>
        <translation>產生文字失敗：{error}</translation>
    </message>
    <message>
        <source>Download of “{model}” cancelled. The {size} that arrived stay on disk: Resume or Use in the Models window continues from there.</source>
        <translation>已取消下載「{model}」。已下載的 {size} 保留在磁碟上：在「模型」視窗按「繼續下載」或「使用」，即可從中斷處接著下載。</translation>
    </message>
</context>
<context>
    <name>Models</name>
    <message>
        <source>{path} is not a valid model config.</source>
        <extracomment>The ref the snapshot was found by: &quot;main&quot; or a pull request&apos;s ``refs/pr/N``.</extracomment>
        <translation>{path} 不是有效的模型設定檔。</translation>
    </message>
    <message>
        <source>{path} holds a {type} model; gpt2desk runs GPT-2 only.</source>
        <translation>{path} 中是 {type} 模型；gpt2desk 只能執行 GPT-2。</translation>
    </message>
    <message>
        <source>“{model}” is not a model folder of the cache {cache}.</source>
        <translation>「{model}」不是快取 {cache} 中的模型資料夾。</translation>
    </message>
    <message>
        <source>{path} could not be deleted completely; check its permissions.</source>
        <translation>無法完整刪除 {path}；請檢查它的權限。</translation>
    </message>
    <message>
        <source>No model given: name a Hub id such as gpt2, or a model folder.</source>
        <extracomment>In the order they are preferred; pytorch_model.bin is never opened (unpickling runs code).</extracomment>
        <translation>沒有指定模型：請輸入 Hub ID（例如 gpt2）或模型資料夾。</translation>
    </message>
    <message>
        <source>“{text}” is neither a model folder nor a valid Hugging Face Hub id.</source>
        <translation>「{text}」既不是模型資料夾，也不是有效的 Hugging Face Hub ID。</translation>
    </message>
    <message>
        <source>{path} is a file, not a model folder. Give the folder that holds config.json, the weights and the tokenizer files.</source>
        <translation>{path} 是檔案，不是模型資料夾。請指定包含 config.json、權重與分詞器檔案的資料夾。</translation>
    </message>
    <message>
        <source>The model folder {path} does not exist.</source>
        <translation>模型資料夾 {path} 不存在。</translation>
    </message>
    <message>
        <source>{path} has no config.json, so it is not a Hugging Face model folder.</source>
        <translation>{path} 中沒有 config.json，因此不是 Hugging Face 模型資料夾。</translation>
    </message>
    <message>
        <source>The model “{name}” is not on this computer and offline mode is on. Turn offline mode off and connect once to download it, or choose a local model folder.</source>
        <translation>模型「{name}」不在這台電腦上，而且離線模式已開啟。請關閉離線模式並連線一次以下載它，或選擇本機的模型資料夾。</translation>
    </message>
    <message>
        <source>The model “{name}” is not on this computer and the Hugging Face Hub ({host}) cannot be reached: {error}. Connect to the internet once so gpt2desk can download it, or choose a local model folder (--model /path/to/folder).</source>
        <translation>模型「{name}」不在這台電腦上，而且無法連線到 Hugging Face Hub（{host}）：{error}。請連上網路一次讓 gpt2desk 下載它，或選擇本機的模型資料夾（--model /path/to/folder）。</translation>
    </message>
    <message>
        <source>The tokenizer of “{name}” cannot be read from {files}: {error}. Copy the tokenizer files that came with the model.</source>
        <translation>無法從 {files} 讀取「{name}」的分詞器：{error}。請複製模型隨附的分詞器檔案。</translation>
    </message>
    <message>
        <source>{file} cannot be used: {problem}</source>
        <extracomment>Most bytes read from a WordPiece vocab.txt (bert-base-chinese&apos;s is 110 KB). GPT-2&apos;s fields that are whole numbers, with the smallest value each may take.</extracomment>
        <translation>無法使用 {file}：{problem}</translation>
    </message>
    <message>
        <source>it is not a regular file</source>
        <translation>它不是一般檔案</translation>
    </message>
    <message>
        <source>it cannot be read ({error})</source>
        <translation>無法讀取它（{error}）</translation>
    </message>
    <message>
        <source>it is larger than {size}, too large for this file</source>
        <translation>它大於 {size}，以這種檔案來說太大了</translation>
    </message>
    <message>
        <source>it is not UTF-8 text</source>
        <translation>它不是 UTF-8 文字</translation>
    </message>
    <message>
        <source>it is not valid JSON ({error} at line {line})</source>
        <translation>它不是有效的 JSON（第 {line} 行：{error}）</translation>
    </message>
    <message>
        <source>its JSON is nested too deeply</source>
        <translation>它的 JSON 巢狀層數太深</translation>
    </message>
    <message>
        <source>it is not a JSON object</source>
        <extracomment>Most bytes read from a JSON file of a model folder (gpt2&apos;s tokenizer.json is 1.4 MB). transformers&apos; TF activations (transformers.activations_tf.ACT2FN), without importing TF. GPT2Config&apos;s defaults for fields a config.json may leave out.</extracomment>
        <translation>它不是 JSON 物件</translation>
    </message>
    <message>
        <source>it has no model_type; gpt2desk runs GPT-2 models (&quot;model_type&quot;: &quot;gpt2&quot;)</source>
        <translation>它沒有 model_type；gpt2desk 執行的是 GPT-2 模型（&quot;model_type&quot;: &quot;gpt2&quot;）</translation>
    </message>
    <message>
        <source>“{name}” is a {type} model; gpt2desk runs GPT-2 models only.</source>
        <translation>「{name}」是 {type} 模型；gpt2desk 只能執行 GPT-2 模型。</translation>
    </message>
    <message>
        <source>{key} is {value}, not a whole number of at least 1</source>
        <translation>{key} 是 {value}，不是至少為 1 的整數</translation>
    </message>
    <message>
        <source>n_embd ({embd}) is not a multiple of n_head ({head})</source>
        <translation>n_embd（{embd}）不是 n_head（{head}）的倍數</translation>
    </message>
    <message>
        <source>{key} is {value}, not a number in its range</source>
        <translation>{key} 是 {value}，不在允許的數值範圍內</translation>
    </message>
    <message>
        <source>activation_function {value} is not one GPT-2 can use</source>
        <translation>activation_function {value} 不是 GPT-2 能使用的激活函數</translation>
    </message>
    <message>
        <source>{key} is {value}, not a token id of the model (0 to {last})</source>
        <translation>{key} 是 {value}，不是此模型的詞元 ID（0 到 {last}）</translation>
    </message>
    <message>
        <source>The model in {folder} would need about {need} of memory (config.json: {layers} layers, {width} wide, a {window}-token window), and this computer has {have} available. Choose a smaller model or close other programs.</source>
        <translation>{folder} 中的模型約需 {need} 記憶體（config.json：{layers} 層、寬度 {width}、{window} 個詞元的視窗），而這台電腦只有 {have} 可用。請選擇較小的模型，或關閉其他程式。</translation>
    </message>
    <message>
        <source>it has {size} tokens, but the model has {count} (ids 0 to {last}): the tokenizer does not belong to this model</source>
        <translation>它有 {size} 個詞元，但模型只有 {count} 個（ID 0 到 {last}）：這個分詞器不屬於此模型</translation>
    </message>
    <message>
        <source>it is not a tokenizer saved by the tokenizers library (no &quot;model&quot; object or no &quot;added_tokens&quot; list)</source>
        <translation>它不是 tokenizers 函式庫儲存的分詞器（沒有 &quot;model&quot; 物件或 &quot;added_tokens&quot; 清單）</translation>
    </message>
    <message>
        <source>the token {token} has the id {id}, but the model has {count} tokens (ids 0 to {last}): the tokenizer does not belong to this model</source>
        <translation>詞元 {token} 的 ID 是 {id}，但模型只有 {count} 個詞元（ID 0 到 {last}）：這個分詞器不屬於此模型</translation>
    </message>
    <message>
        <source>The tokenizer in {folder} has {size} tokens and the model {count}: they do not belong together. Copy the tokenizer files that came with the model.</source>
        <translation>{folder} 中的分詞器有 {size} 個詞元，模型則有 {count} 個：兩者不是一組。請複製模型隨附的分詞器檔案。</translation>
    </message>
    <message>
        <source>{path} has no model.safetensors, tf_model.h5 or flax_model.msgpack weights (pytorch_model.bin is never loaded: it can run code). Save the model with save_pretrained() from transformers.</source>
        <translation>{path} 沒有 model.safetensors、tf_model.h5 或 flax_model.msgpack 權重（pytorch_model.bin 絕不載入：它可能執行程式碼）。請用 transformers 的 save_pretrained() 儲存模型。</translation>
    </message>
    <message>
        <source>{path} has no model.safetensors, tf_model.h5 or flax_model.msgpack weights. Save the model with save_pretrained() from transformers.</source>
        <translation>{path} 沒有 model.safetensors、tf_model.h5 或 flax_model.msgpack 權重。請用 transformers 的 save_pretrained() 儲存模型。</translation>
    </message>
    <message>
        <source>{path} has no tokenizer files (tokenizer.json, vocab.json and merges.txt, or vocab.txt).</source>
        <translation>{path} 沒有分詞器檔案（tokenizer.json、vocab.json 與 merges.txt，或 vocab.txt）。</translation>
    </message>
    <message>
        <source>The model “{name}” does not fit its weights file: {error}</source>
        <translation>模型「{name}」與它的權重檔不符：{error}</translation>
    </message>
    <message>
        <source>“{name}” is a gated model on the Hub; gpt2desk does not use access tokens.</source>
        <translation>「{name}」在 Hub 上是需要申請存取權的模型；gpt2desk 不使用存取權杖。</translation>
    </message>
    <message>
        <source>There is no model named “{name}” on the Hugging Face Hub.</source>
        <translation>Hugging Face Hub 上沒有名為「{name}」的模型。</translation>
    </message>
    <message>
        <source>The model “{name}” is not on this computer and could not be downloaded. Connect to the internet once, or choose a local model folder.</source>
        <translation>模型「{name}」不在這台電腦上，也無法下載。請連上網路一次，或選擇本機的模型資料夾。</translation>
    </message>
    <message>
        <source>The model “{name}” could not be loaded: its weights file is damaged or incomplete. Download or save the model again.</source>
        <translation>無法載入模型「{name}」：它的權重檔已損壞或不完整。請重新下載或儲存模型。</translation>
    </message>
    <message>
        <source>The model “{name}” could not be loaded: its weights file {file} is damaged or incomplete. Copy or save the model again.</source>
        <translation>無法載入模型「{name}」：它的權重檔 {file} 已損壞或不完整。請重新複製或儲存模型。</translation>
    </message>
    <message>
        <source>The model “{name}” could not be loaded: its weights file {file} is damaged or incomplete ({path}). Delete it in Models and download it again.</source>
        <translation>無法載入模型「{name}」：它的權重檔 {file} 已損壞或不完整（{path}）。請在「模型」視窗中刪除它，然後重新下載。</translation>
    </message>
    <message>
        <source>The model “{name}” could not be loaded: {error}</source>
        <translation>無法載入模型「{name}」：{error}</translation>
    </message>
    <message>
        <source>its vocabulary has no {token} token for characters it does not know</source>
        <extracomment>tokenizer_config.json&apos;s ``tokenizer_class`` values that mean &quot;BERT WordPiece&quot;. The roles of BERT&apos;s special tokens and their usual names. Roles whose tokens a GPT-2 never writes: they mark no text (the EOS is let through). Unknown characters a message names; more are counted, not shown.</extracomment>
        <translation>它的詞彙表沒有用於未知字元的 {token} 詞元</translation>
    </message>
    <message>
        <source>1 character this model does not know: 「{chars}」</source>
        <translation>此模型不認得 1 個字元：「{chars}」</translation>
    </message>
    <message>
        <source>{count} characters this model does not know: 「{chars}」</source>
        <translation>此模型不認得 {count} 個字元：「{chars}」</translation>
    </message>
</context>
<context>
    <name>ModelsDialog</name>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>OpenAI&apos;s GPT-2 models read and write English only; the Chinese models write Chinese (繁體中文: Traditional, 简体中文: Simplified).</source>
        <translation>OpenAI 的 GPT-2 模型只能讀寫英文；中文模型會寫中文（繁體中文或简体中文）。</translation>
    </message>
    <message>
        <source>GPT-2 models: size, memory needed and whether on disk</source>
        <translation>GPT-2 模型：大小、所需記憶體以及是否已在磁碟上</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下載</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>使用</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>刪除…</translation>
    </message>
    <message>
        <source>Downloads the selected model into the cache</source>
        <translation>將選取的模型下載到快取</translation>
    </message>
    <message>
        <source>Stops the download; what arrived is kept</source>
        <translation>停止下載；已下載的部分會保留</translation>
    </message>
    <message>
        <source>Makes the selected model the one that writes</source>
        <translation>改用選取的模型來寫作</translation>
    </message>
    <message>
        <source>Removes the selected model from disk or list</source>
        <translation>從磁碟或清單移除選取的模型</translation>
    </message>
    <message>
        <source>Convert to Traditional Chinese (Taiwan)</source>
        <translation>轉換為繁體中文（臺灣）</translation>
    </message>
    <message>
        <source>Converts what this Simplified-Chinese model writes into Traditional Chinese with Taiwan&apos;s words (OpenCC s2twp), from its next reply on</source>
        <translation>從下一次回覆起，將這個簡體中文模型寫的內容轉換為臺灣用語的繁體中文（OpenCC s2twp）</translation>
    </message>
    <message>
        <source>Hub id of a GPT-2 model, e.g. user/my-gpt2</source>
        <translation>GPT-2 模型的 Hub ID，例如 user/my-gpt2</translation>
    </message>
    <message>
        <source>Hub id</source>
        <translation>Hub ID</translation>
    </message>
    <message>
        <source>The Hub id of a GPT-2 model to add to the list</source>
        <translation>要加入清單的 GPT-2 模型 Hub ID</translation>
    </message>
    <message>
        <source>Add Hub model</source>
        <translation>新增 Hub 模型</translation>
    </message>
    <message>
        <source>Checks the Hub id on the Hub and adds it to the list</source>
        <translation>在 Hub 上檢查此 ID 並加入清單</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>新增資料夾…</translation>
    </message>
    <message>
        <source>Adds a model folder on this computer to the list</source>
        <translation>將這台電腦上的模型資料夾加入清單</translation>
    </message>
    <message>
        <source>Hides this window; downloads go on</source>
        <translation>隱藏這個視窗；下載會繼續進行</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Offline mode: no network at all, only models on disk</source>
        <translation>離線模式：完全不使用網路，只用磁碟上的模型</translation>
    </message>
    <message>
        <source>https://huggingface.co (or HF_ENDPOINT)</source>
        <translation>https://huggingface.co（或 HF_ENDPOINT）</translation>
    </message>
    <message>
        <source>A mirror of the Hugging Face Hub, for example https://hf-mirror.com. Every download and Hub check uses it. Empty: HF_ENDPOINT, else huggingface.co.</source>
        <translation>Hugging Face Hub 的鏡像站，例如 https://hf-mirror.com。所有下載與 Hub 檢查都會使用它。留空：使用 HF_ENDPOINT，否則為 huggingface.co。</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>套用</translation>
    </message>
    <message>
        <source>Saves offline mode and the Hub endpoint</source>
        <translation>儲存離線模式與 Hub 端點</translation>
    </message>
    <message>
        <source>Only models already on disk can be used</source>
        <translation>只能使用已在磁碟上的模型</translation>
    </message>
    <message>
        <source>Hub endpoint</source>
        <translation>Hub 端點</translation>
    </message>
    <message>
        <source>Hub endpoint (mirror):</source>
        <translation>Hub 端點（鏡像站）：</translation>
    </message>
    <message>
        <source>Models are stored in the Hugging Face cache, {where} — {size} in use (shared with other Hugging Face tools).</source>
        <translation>模型存放在 Hugging Face 快取 {where} — 已使用 {size}（與其他 Hugging Face 工具共用）。</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>繼續下載</translation>
    </message>
    <message>
        <source>Remove from list</source>
        <translation>從清單移除</translation>
    </message>
    <message>
        <source>{model} was not downloaded.</source>
        <translation>未下載 {model}。</translation>
    </message>
    <message>
        <source>{model} is being downloaded for loading right now; its progress and Cancel are in the main window&apos;s status bar.</source>
        <translation>{model} 正在下載以供載入；進度與「取消」按鈕在主視窗的狀態列。</translation>
    </message>
    <message>
        <source>Downloading {model}…</source>
        <translation>正在下載 {model}…</translation>
    </message>
    <message>
        <source>{model}: its replies will be converted to Traditional Chinese (Taiwan).</source>
        <translation>{model}：它的回覆將轉換為繁體中文（臺灣）。</translation>
    </message>
    <message>
        <source>{model}: its replies are shown as it writes them.</source>
        <translation>{model}：它的回覆會照原樣顯示。</translation>
    </message>
    <message>
        <source>Switching to {model}…</source>
        <translation>正在切換到 {model}…</translation>
    </message>
    <message>
        <source>Could not read the model cache: {error}</source>
        <translation>無法讀取模型快取：{error}</translation>
    </message>
    <message>
        <source> It stays loaded until you switch models.</source>
        <translation>在你切換模型之前，它會保持載入。</translation>
    </message>
    <message>
        <source>Delete model</source>
        <translation>刪除模型</translation>
    </message>
    <message>
        <source>Delete {models} from disk ({size})?</source>
        <translation>要從磁碟刪除 {models}（{size}）嗎？</translation>
    </message>
    <message>
        <source>Deleting {models}…</source>
        <translation>正在刪除 {models}…</translation>
    </message>
    <message>
        <source>Deleted {models}: {size} freed.</source>
        <translation>已刪除 {models}：釋出 {size}。</translation>
    </message>
    <message>
        <source>{model} is being loaded right now, so it cannot be deleted. Wait until it is loaded, or cancel its download in the main window&apos;s status bar, then delete it.</source>
        <translation>{model} 正在載入，因此無法刪除。請等它載入完成，或在主視窗狀態列取消它的下載，再刪除。</translation>
    </message>
    <message>
        <source>added (not checked: offline mode is on)</source>
        <translation>已新增（未檢查：離線模式已開啟）</translation>
    </message>
    <message>
        <source>Checking {model} on the Hub…</source>
        <translation>正在 Hub 上檢查 {model}…</translation>
    </message>
    <message>
        <source>added</source>
        <translation>已新增</translation>
    </message>
    <message>
        <source>Choose a Hugging Face model folder</source>
        <translation>選擇 Hugging Face 模型資料夾</translation>
    </message>
    <message>
        <source>the default Hub</source>
        <translation>預設的 Hub</translation>
    </message>
    <message>
        <source>Offline mode is on: no network use.</source>
        <translation>離線模式已開啟：不使用網路。</translation>
    </message>
    <message>
        <source>Using {where}.</source>
        <translation>使用 {where}。</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>設定已儲存。</translation>
    </message>
    <message>
        <source>{model} is downloaded and checked.</source>
        <translation>{model} 已下載並通過檢查。</translation>
    </message>
    <message>
        <source>found on the Hub; GPT-2 with usable weights</source>
        <translation>已在 Hub 上找到；是具有可用權重的 GPT-2</translation>
    </message>
    <message>
        <source>Loading {model}…</source>
        <translation>正在載入 {model}…</translation>
    </message>
    <message>
        <source>Preparing {model}…</source>
        <translation>正在準備 {model}…</translation>
    </message>
</context>
<context>
    <name>ModelsLicence</name>
    <message>
        <source>{model} is published under the {licence} licence; its model card on the Hub gives the terms. Download it ({size})?</source>
        <translation>{model} 以 {licence} 授權發布；條款請見它在 Hub 上的模型卡。要下載嗎（{size}）？</translation>
    </message>
    <message>
        <source>The model card of {model} names no licence: ask its authors before you publish what you write with it. Download it ({size})?</source>
        <translation>{model} 的模型卡未註明授權：用它寫的內容發表前，請先詢問作者。要下載嗎（{size}）？</translation>
    </message>
    <message>
        <source>Licence of {model}</source>
        <translation>{model} 的授權</translation>
    </message>
</context>
<context>
    <name>NumberBox</name>
    <message>
        <source>{low} to {high}</source>
        <translation>{low} 到 {high}</translation>
    </message>
    <message>
        <source>{field} takes a whole number from {range}.</source>
        <translation>{field} 需要 {range} 的整數。</translation>
    </message>
    <message>
        <source>{field} takes a number from {range}.</source>
        <translation>{field} 需要 {range} 的數字。</translation>
    </message>
    <message>
        <source>“{text}” is not one.</source>
        <translation>「{text}」不符合。</translation>
    </message>
</context>
<context>
    <name>Progress</name>
    <message>
        <source>{s} s</source>
        <extracomment>Fixed part: TensorFlow 2.20 + transformers 4.57 imported (540 MB RSS measured on Linux x86_64, Python 3.11), plus ~0.35 GB of compiled decode loop, the any-length graph that answers while it compiles, tokenizer and buffers. fp32 weights take 4 bytes per parameter (the token embedding is kept once, transposed, by the decode loop); loading and compiling add up to ~1.95 more at their peak (more per parameter for deeper models: gpt2-large&apos;s compile). Fitted so that no shape&apos;s measured peak is above its estimate (make bench, 2026-12-06). The static KV cache has n_ctx + 32 slots (the padding of a last prefill chunk). vocab.txt (110 kB) and two small JSON files of a BERT WordPiece tokenizer. The languages a model writes, as the Models dialog names them (in their own script). A licence not stated on the model card. GPT-2 networks trained on Chinese text, with a BERT WordPiece tokenizer. Facts from their Hub pages: CKIP Lab (Academia Sinica, Taiwan) trained on Traditional Chinese, GPL-3.0; main holds flax_model.msgpack (408 MB) for the base model and only pickle weights for the tiny one, whose safetensors (50.6 MB) are in the Hub&apos;s conversion pull request. IDEA-CCNL&apos;s Wenzhong2.0 (Apache-2.0) and UER&apos;s model (its card names no licence) write Simplified Chinese; their weights are model.safetensors (421 MB, with the attention-mask buffers PyTorch saved) and tf_model.h5 (408 MB). Wenzhong&apos;s name says 110M; its shape (12 x 768, the size of its weights) makes 102M. Every model the Models dialog lists, in its order. The model offered at the first start when the UI speaks Traditional Chinese.</extracomment>
        <translation>{s} 秒</translation>
    </message>
    <message>
        <source>{min} min</source>
        <translation>{min} 分鐘</translation>
    </message>
    <message>
        <source>{h} h {min} min</source>
        <translation>{h} 小時 {min} 分鐘</translation>
    </message>
    <message>
        <source>Checking {file} (sha256)…</source>
        <extracomment>Seconds of history the speed is averaged over. Minimum seconds between two progress reports (the last one is always sent).</extracomment>
        <translation>正在檢查 {file}（sha256）…</translation>
    </message>
    <message>
        <source>Connection lost during {file}; retrying…</source>
        <translation>下載 {file} 時連線中斷；正在重試…</translation>
    </message>
    <message>
        <source>Downloaded {size}</source>
        <translation>已下載 {size}</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <source>{size}/s</source>
        <translation>每秒 {size}</translation>
    </message>
    <message>
        <source>{time} left</source>
        <translation>剩餘 {time}</translation>
    </message>
    <message>
        <source>Download of “{model}” cancelled; what arrived is kept for Resume.</source>
        <translation>已取消下載「{model}」；已下載的部分會保留，之後可以繼續下載。</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>User name</source>
        <translation>使用者名稱</translation>
    </message>
    <message>
        <source>Assistant name</source>
        <translation>助理名稱</translation>
    </message>
    <message>
        <source>{field} cannot be empty.</source>
        <translation>{field}不能是空的。</translation>
    </message>
    <message>
        <source>{field} must fit on one line; got {value}.</source>
        <translation>{field}必須在同一行內；目前是 {value}。</translation>
    </message>
    <message>
        <source>Max new tokens</source>
        <translation>最多新詞元數</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>溫度</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k 取樣</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p 取樣</translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation>重複懲罰</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>種子</translation>
    </message>
    <message>
        <source>Stop strings</source>
        <translation>停止字串</translation>
    </message>
    <message>
        <source>{field} must be a whole number; got {value}.</source>
        <translation>{field}必須是整數；目前是 {value}。</translation>
    </message>
    <message>
        <source>{field} must be a number; got {value}.</source>
        <translation>{field}必須是數字；目前是 {value}。</translation>
    </message>
    <message>
        <source>{field} must be a finite number; got {value}.</source>
        <translation>{field}必須是有限的數字；目前是 {value}。</translation>
    </message>
    <message>
        <source>{field} must be between 1 and {limit}; got {value}.</source>
        <translation>{field}必須介於 1 到 {limit} 之間；目前是 {value}。</translation>
    </message>
    <message>
        <source>{field} must be 0 or more (0 means greedy); got {value}.</source>
        <translation>{field}必須大於或等於 0（0 表示貪婪解碼）；目前是 {value}。</translation>
    </message>
    <message>
        <source>{field} must be 0 or more (0 turns it off); got {value}.</source>
        <translation>{field}必須大於或等於 0（0 表示關閉）；目前是 {value}。</translation>
    </message>
    <message>
        <source>{field} must be more than 0 and at most 1 (1 turns it off); got {value}.</source>
        <translation>{field}必須大於 0 且不超過 1（1 表示關閉）；目前是 {value}。</translation>
    </message>
    <message>
        <source>{field} must be more than 0 (1 turns it off); got {value}.</source>
        <translation>{field}必須大於 0（1 表示關閉）；目前是 {value}。</translation>
    </message>
    <message>
        <source>{field} must be empty (random) or from 0 to {limit}; got {value}.</source>
        <translation>{field}必須留空（隨機）或介於 0 到 {limit} 之間；目前是 {value}。</translation>
    </message>
    <message>
        <source>{field} must be a tuple of strings; got {value}.</source>
        <translation>{field}必須是一組字串；目前是 {value}。</translation>
    </message>
    <message>
        <source>{field} must all be text (number {i} is not); got {value}.</source>
        <translation>{field}必須全都是文字（第 {i} 個不是）；目前是 {value}。</translation>
    </message>
    <message>
        <source>Stop strings cannot be empty (number {i} is).</source>
        <translation>停止字串不能是空的（第 {i} 個是空的）。</translation>
    </message>
    <message>
        <source>Unknown setting {key}.</source>
        <translation>未知的設定 {key}。</translation>
    </message>
</context>
<context>
    <name>SettingsPanel</name>
    <message>
        <source>Continue a draft</source>
        <translation>接續草稿</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>對話</translation>
    </message>
    <message>
        <source>Continue: the model continues your text verbatim.
Chat: your text is a message in a User/Assistant transcript.</source>
        <translation>接續：模型原樣接著你的文字寫下去。
對話：你的文字是使用者／助理對話紀錄中的一則訊息。</translation>
    </message>
    <message>
        <source>How many tokens the model writes at most</source>
        <translation>模型最多寫出多少個詞元</translation>
    </message>
    <message>
        <source>0 = greedy (always the likeliest token)</source>
        <translation>0 ＝ 貪婪（總是選最可能的詞元）</translation>
    </message>
    <message>
        <source>0 = off</source>
        <translation>0 ＝ 關閉</translation>
    </message>
    <message>
        <source>1 = off</source>
        <translation>1 ＝ 關閉</translation>
    </message>
    <message>
        <source>random</source>
        <translation>隨機</translation>
    </message>
    <message>
        <source>Empty = a new random seed each time; a fixed seed repeats the text.</source>
        <translation>留空 ＝ 每次使用新的隨機種子；固定種子會產生相同的文字。</translation>
    </message>
    <message>
        <source>one per line; \n = new line</source>
        <translation>每行一個；\n ＝ 換行</translation>
    </message>
    <message>
        <source>The reply ends before any of these texts</source>
        <translation>回覆會在出現這些文字之前結束</translation>
    </message>
    <message>
        <source>What the model sees in chat mode</source>
        <translation>對話模式下模型看到的內容</translation>
    </message>
    <message>
        <source>Your name in the chat transcript the model sees</source>
        <translation>你在模型所見對話紀錄中的名稱</translation>
    </message>
    <message>
        <source>The model&apos;s name in the chat transcript</source>
        <translation>模型在對話紀錄中的名稱</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Max new tokens</source>
        <translation>最多新詞元數</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>溫度</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k 取樣</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p 取樣</translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation>重複懲罰</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>種子</translation>
    </message>
    <message>
        <source>Stop strings</source>
        <translation>停止字串</translation>
    </message>
    <message>
        <source>Chat: user name</source>
        <translation>對話：使用者名稱</translation>
    </message>
    <message>
        <source>Chat: assistant name</source>
        <translation>對話：助理名稱</translation>
    </message>
    <message>
        <source>Chat template</source>
        <translation>對話範本</translation>
    </message>
    <message>
        <source>{user}: (earlier message)
{bot}: (earlier reply)
{user}: (your message)
{bot}:

Stops at a new line starting with “{user}:”</source>
        <translation>{user}:（先前的訊息）
{bot}:（先前的回覆）
{user}:（你的訊息）
{bot}:

遇到以「{user}:」開頭的新行時停止</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>鍵盤快速鍵</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>動作</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按鍵</translation>
    </message>
    <message>
        <source>Every action that has a keyboard shortcut</source>
        <translation>所有具有鍵盤快速鍵的動作</translation>
    </message>
    <message>
        <source>Closes this list</source>
        <translation>關閉這份清單</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>搜尋對話</translation>
    </message>
    <message>
        <source>Shows the conversations whose title or text match</source>
        <translation>顯示標題或內容相符的對話</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>對話</translation>
    </message>
    <message>
        <source>Your saved conversations and drafts, newest first</source>
        <translation>你儲存的對話與草稿，最新的在前</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新對話</translation>
    </message>
    <message>
        <source>New draft</source>
        <translation>新草稿</translation>
    </message>
    <message>
        <source>Starts a new chat with the model</source>
        <translation>與模型開始新的對話</translation>
    </message>
    <message>
        <source>Starts a new draft for the model to continue</source>
        <translation>開始新的草稿讓模型接續</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>重新命名對話</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>標題：</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重新命名…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>刪除</translation>
    </message>
</context>
<context>
    <name>StatusLine</name>
    <message numerus="yes">
        <source>%n tokens</source>
        <translation>
            <numerusform>%n 個詞元</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Store</name>
    <message>
        <source>The data folder cannot be written to. Your work is kept in memory only and will not be saved.</source>
        <translation>無法寫入資料夾。你的內容只保留在記憶體中，不會儲存。</translation>
    </message>
    <message>
        <source>The database in {folder} cannot be written to (the folder or a file in it is read-only, or you may not write there). It was left untouched. Your work is kept in memory only and will not be saved.</source>
        <translation>無法寫入 {folder} 中的資料庫（資料夾或其中的檔案為唯讀，或您沒有寫入權限）。資料庫未被更動。您的工作只保留在記憶體中，不會被儲存。</translation>
    </message>
    <message>
        <source>The disk is full, {file} cannot grow: free some space. Your work is kept in memory.</source>
        <translation>磁碟已滿，{file} 無法再變大：請釋出一些空間。您的工作暫時保留在記憶體中。</translation>
    </message>
    <message>
        <source>Another program is using the database {file}; close it and start gpt2desk again. Your work is kept in memory.</source>
        <translation>另一個程式正在使用資料庫 {file}；請關閉它後重新啟動 gpt2desk。您的工作暫時保留在記憶體中。</translation>
    </message>
    <message>
        <source>The disk could not read or write {file} ({error}); the disk may be full or failing. Your work is kept in memory.</source>
        <translation>磁碟無法讀寫 {file}（{error}）；磁碟可能已滿或故障。您的工作暫時保留在記憶體中。</translation>
    </message>
    <message>
        <source>The database file {file} is damaged.</source>
        <translation>資料庫檔案 {file} 已損壞。</translation>
    </message>
    <message>
        <source>Saving failed because of a bug in gpt2desk ({error}); see the log file.</source>
        <translation>因 gpt2desk 的程式錯誤而儲存失敗（{error}）；請見記錄檔。</translation>
    </message>
    <message>
        <source>Saving failed: {error}</source>
        <translation>儲存失敗：{error}</translation>
    </message>
    <message>
        <source>Another gpt2desk window is using the data folder {folder}, so this window is read-only: nothing you do here is saved. Close the other window and start gpt2desk again to save your work.</source>
        <translation>另一個 gpt2desk 視窗正在使用資料夾 {folder}，因此這個視窗為唯讀：在這裡做的任何事都不會被儲存。請關閉另一個視窗並重新啟動 gpt2desk，才能儲存您的工作。</translation>
    </message>
    <message>
        <source>The database is damaged and could not be moved: {error}</source>
        <translation>資料庫已損壞，而且無法移開：{error}</translation>
    </message>
    <message>
        <source>The database was damaged; it was kept as {file} and a new one started.</source>
        <translation>資料庫已損壞；舊檔已保留為 {file}，並建立了新的資料庫。</translation>
    </message>
    <message>
        <source>A new database could not be created either: {error}</source>
        <translation>也無法建立新的資料庫：{error}</translation>
    </message>
    <message>
        <source>{file} is not a gpt2desk database (it holds another program&apos;s tables). It was left untouched; move it away to start a new database. Your work here is kept in memory only.</source>
        <translation>{file} 不是 gpt2desk 的資料庫（裡面是其他程式的資料表）。檔案未被更動；將它移走即可開始新的資料庫。您在這裡的工作只保留在記憶體中。</translation>
    </message>
    <message>
        <source>The data folder {folder} is a file, not a folder; it was left untouched.</source>
        <translation>資料夾 {folder} 其實是檔案，不是資料夾；它未被更動。</translation>
    </message>
    <message>
        <source>The database {file} is a folder, not a database file; it was left untouched.</source>
        <translation>資料庫 {file} 是資料夾，不是資料庫檔案；它未被更動。</translation>
    </message>
    <message>
        <source>The database {file} is not a regular file (a pipe, device or socket); it was left untouched.</source>
        <translation>資料庫 {file} 不是一般檔案（而是管線、裝置或通訊端）；它未被更動。</translation>
    </message>
    <message>
        <source>Opening the database failed: {error}</source>
        <extracomment>The copy taken before this open upgraded the schema (None: no upgrade).</extracomment>
        <translation>開啟資料庫失敗：{error}</translation>
    </message>
    <message>
        <source>Your work is kept in memory only and will not be saved.</source>
        <translation>你的內容只保留在記憶體中，不會儲存。</translation>
    </message>
    <message>
        <source>The database was written by a newer gpt2desk (schema {version}, this version knows {known}). It was left untouched; update gpt2desk to see it. Your work here is kept in memory only.</source>
        <translation>這個資料庫是由較新版本的 gpt2desk 寫入的（結構版本 {version}，此版本只認得 {known}）。資料庫維持原樣；請更新 gpt2desk 才能看到其中的內容。你在這裡的內容只保留在記憶體中。</translation>
    </message>
    <message>
        <source>The database was upgraded; the old one is kept as {file}.</source>
        <translation>資料庫已升級；舊的資料庫保留為 {file}。</translation>
    </message>
    <message>
        <source>Upgrading the database failed ({error}); the file was left as it was. Your work here is kept in memory only.</source>
        <translation>升級資料庫失敗（{error}）；檔案維持原樣。你在這裡的內容只保留在記憶體中。</translation>
    </message>
    <message>
        <source>Opening the database failed ({error}); working in memory.</source>
        <translation>開啟資料庫失敗（{error}）；改為只在記憶體中運作。</translation>
    </message>
</context>
<context>
    <name>SuggestionPopup</name>
    <message>
        <source>Up and Down choose, Enter inserts, Esc dismisses; typing goes on as usual</source>
        <translation>用上下鍵選擇，Enter 插入，Esc 關閉；直接打字則照常輸入</translation>
    </message>
    <message>
        <source>Suggested continuations</source>
        <translation>建議的接續內容</translation>
    </message>
</context>
<context>
    <name>UndoLabel</name>
    <message>
        <source>Rename</source>
        <translation>重新命名</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>刪除</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>編輯</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新產生</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>接續</translation>
    </message>
    <message>
        <source>Choose version</source>
        <translation>選擇版本</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Typing</source>
        <translation>輸入</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重寫</translation>
    </message>
    <message>
        <source>Retry from here</source>
        <translation>從這裡重寫</translation>
    </message>
    <message>
        <source>Choose alternative</source>
        <translation>選擇替代版本</translation>
    </message>
</context>
<context>
    <name>Weights</name>
    <message>
        <source>{file}: {key} has shape {shape}, the model expects {expected}</source>
        <translation>{file}：{key} 的形狀是 {shape}，模型需要的是 {expected}</translation>
    </message>
    <message>
        <source>{file}: {key} holds NaN or infinite numbers; a model with them cannot write text. Download or save the model again.</source>
        <translation>{file}：{key} 含有 NaN 或無限大的數值；這樣的模型無法產生文字。請重新下載或儲存模型。</translation>
    </message>
    <message>
        <source>{file} cannot be read as flax weights: {problem}</source>
        <translation>無法將 {file} 讀取為 flax 權重：{problem}</translation>
    </message>
    <message>
        <source>{file} lacks {count} of the model&apos;s weights ({names})</source>
        <translation>{file} 缺少模型的 {count} 個權重（{names}）</translation>
    </message>
    <message>
        <source>it holds an array of {dtype}, not of floating-point numbers</source>
        <extracomment>A msgpack object may not exceed 2**31 - 1 bytes (flax chunks arrays below it).</extracomment>
        <translation>它含有 {dtype} 陣列，而不是浮點數</translation>
    </message>
    <message>
        <source>it holds a msgpack extension of type {code}; gpt2desk reads only flax&apos;s arrays (type 1)</source>
        <translation>它含有類型 {code} 的 msgpack 擴充；gpt2desk 只讀取 flax 的陣列（類型 1）</translation>
    </message>
    <message>
        <source>{key} is a {kind}, not an array</source>
        <translation>{key} 是 {kind}，不是陣列</translation>
    </message>
</context>
<context>
    <name>WindowMeter</name>
    <message numerus="yes">
        <source>%n words</source>
        <extracomment>How long the counts and the window&apos;s start wait for typing to pause.</extracomment>
        <translation>
            <numerusform>%n 個字</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n characters</source>
        <translation>
            <numerusform>%n 個字元</numerusform>
        </translation>
    </message>
    <message>
        <source>{used}/{n_ctx} tokens</source>
        <translation>{used}/{n_ctx} 個詞元</translation>
    </message>
    <message>
        <source>the model reads from character {start}</source>
        <translation>模型從第 {start} 個字元開始讀</translation>
    </message>
    <message>
        <source>The model reads the last {used} tokens of its {n_ctx}, from the marker in the text on; the {cut} characters above it are outside its window.</source>
        <translation>模型讀取最後 {used} 個詞元（上限 {n_ctx}），從文中的標記開始；標記以上的 {cut} 個字元在它的視窗之外。</translation>
    </message>
    <message>
        <source>The model reads the whole draft: {used} of its {n_ctx} tokens.</source>
        <translation>模型讀取整份草稿：{used} 個詞元（上限 {n_ctx}）。</translation>
    </message>
</context>
<context>
    <name>WorkspaceController</name>
    <message>
        <source>Conversations</source>
        <extracomment>The import or export under way (one at a time).</extracomment>
        <translation>對話</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>復原</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>復原刪除</translation>
    </message>
    <message>
        <source>Brings back the conversation that was just deleted</source>
        <translation>找回剛刪除的對話</translation>
    </message>
    <message>
        <source>gpt2desk (read-only: another window saves this folder)</source>
        <translation>gpt2desk（唯讀：另一個視窗正在儲存這個資料夾）</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>(stopped)</source>
        <translation>（已停止）</translation>
    </message>
    <message>
        <source>(failed)</source>
        <translation>（失敗）</translation>
    </message>
    <message>
        <source>(interrupted)</source>
        <translation>（已中斷）</translation>
    </message>
    <message>
        <source>Undo delete of “{title}”</source>
        <translation>復原刪除「{title}」</translation>
    </message>
    <message>
        <source>A conversation keeps its kind: New chat (Ctrl+N) or New draft (Ctrl+Shift+N) starts one of the other kind.</source>
        <translation>對話的類型不會改變：用「新對話」（Ctrl+N）或「新草稿」（Ctrl+Shift+N）開始另一種類型。</translation>
    </message>
    <message>
        <source>The text is unchanged: nothing to generate.</source>
        <translation>文字沒有變更：沒有需要產生的內容。</translation>
    </message>
    <message>
        <source>Exporting to {path}…</source>
        <translation>正在匯出至 {path}…</translation>
    </message>
    <message>
        <source>Importing {path}…</source>
        <translation>正在匯入 {path}…</translation>
    </message>
    <message>
        <source>Wait for the import or export under way.</source>
        <translation>請等待進行中的匯入或匯出完成。</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
</context>
</TS>
