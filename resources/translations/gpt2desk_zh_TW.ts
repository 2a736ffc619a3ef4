<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_TW">
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
    <name>MainWindow</name>
    <message>
        <source>Loading {detail}…</source>
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
        <source>(stopped)</source>
        <translation>（已停止）</translation>
    </message>
    <message>
        <source>{n} tokens</source>
        <translation>{n} 個詞元</translation>
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
    <name>ModelRows</name>
    <message>
        <source>Model</source>
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
        <source>Memory needed ≈ 0.7 GB (TensorFlow runtime and compiled decode loop) + 5.25 bytes per parameter + 8 bytes x layers x 1088 x width (the key/value cache). Measured after loading on Linux: gpt2 1.43 GB, gpt2-medium 2.77 GB.</source>
        <translation>所需記憶體 ≈ 0.7 GB（TensorFlow 執行環境與編譯後的解碼迴圈）＋ 每個參數 5.25 位元組 ＋ 8 位元組 × 層數 × 1088 × 寬度（鍵值快取）。在 Linux 上載入後實測：gpt2 1.43 GB，gpt2-medium 2.77 GB。</translation>
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
        <source>{name}: reads and writes English only</source>
        <translation>{name}：只能讀寫英文</translation>
    </message>
    <message>
        <source>{n} parameters</source>
        <translation>{n} 個參數</translation>
    </message>
    <message>
        <source>model.safetensors + tokenizer files</source>
        <translation>model.safetensors ＋ 斷詞器檔案</translation>
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
</context>
<context>
    <name>ModelsDialog</name>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>All GPT-2 models read and write English only.</source>
        <translation>所有 GPT-2 模型都只能讀寫英文。</translation>
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
        <source>Downloading {model}…</source>
        <translation>正在下載 {model}…</translation>
    </message>
    <message>
        <source>Switching to {model}…</source>
        <translation>正在切換到 {model}…</translation>
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
        <source>Deleted {models}: {size} freed.</source>
        <translation>已刪除 {models}：釋出 {size}。</translation>
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
        <source>Max new tokens must be a whole number from 1 to {limit}.</source>
        <translation>最多新詞元數必須是 1 到 {limit} 之間的整數。</translation>
    </message>
    <message>
        <source>Temperature must be a number, 0 or more (0 means greedy).</source>
        <translation>溫度必須是 0 或以上的數字（0 表示貪婪）。</translation>
    </message>
    <message>
        <source>Top-k must be a whole number, 0 or more (0 turns it off).</source>
        <translation>Top-k 必須是 0 或以上的整數（0 表示關閉）。</translation>
    </message>
    <message>
        <source>Top-p must be more than 0 and at most 1 (1 turns it off).</source>
        <translation>Top-p 必須大於 0 且不超過 1（1 表示關閉）。</translation>
    </message>
    <message>
        <source>Repetition penalty must be a number more than 0 (1 turns it off).</source>
        <translation>重複懲罰必須是大於 0 的數字（1 表示關閉）。</translation>
    </message>
    <message>
        <source>Seed must be empty (random) or a whole number from 0 to {seed_max}.</source>
        <translation>種子必須留空（隨機）或是 0 到 {seed_max} 之間的整數。</translation>
    </message>
    <message>
        <source>Stop strings must be text, and none may be empty.</source>
        <translation>停止字串必須是文字，而且不能是空的。</translation>
    </message>
    <message>
        <source>The chat names cannot be empty and must fit on one line.</source>
        <translation>對話中的名稱不能是空的，而且必須在同一行內。</translation>
    </message>
    <message>
        <source>A setting has a value that is not allowed.</source>
        <translation>有一項設定的值不被允許。</translation>
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
        <source>Rename…</source>
        <translation>重新命名…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>刪除</translation>
    </message>
</context>
<context>
    <name>WorkspaceController</name>
    <message>
        <source>The text is unchanged: nothing to generate.</source>
        <translation>文字沒有變更：沒有需要產生的內容。</translation>
    </message>
</context>
</TS>
