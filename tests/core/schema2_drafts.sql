PRAGMA user_version = 2;
BEGIN TRANSACTION;
CREATE TABLE app_state (key TEXT PRIMARY KEY, value BLOB NOT NULL);
INSERT INTO "app_state" VALUES('selected',X'3465373736626330386639303435373539326533336531343961376338346339');
CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        title BLOB NOT NULL,
        title_set INTEGER NOT NULL DEFAULT 0,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        model BLOB NOT NULL,
        active_child TEXT
    , composer BLOB NOT NULL DEFAULT x'', scroll INTEGER NOT NULL DEFAULT 0);
INSERT INTO "conversations" VALUES('42d3bac3078c49c8a5e78f364c13bf89','draft',X'497420776173206C6174652E',0,1700000001.0,1700000006.0,X'2F6D6F64656C732F67707432','73dfe9667583447b9a3f8b190e8fcaef',X'',0);
INSERT INTO "conversations" VALUES('24d5b63a39a345d9a04992227316e51f','draft',X'4469617279',1,1700000008.0,1700000012.0,X'2F6D6F64656C732F67707432','df39ba4171eb4af58493b09cc17f023b',X'',0);
INSERT INTO "conversations" VALUES('4e776bc08f90457592e33e149a7c84c9','chat',X'68656C6C6F',0,1700000013.0,1.79655545235881876952e+09,X'2F6D6F64656C732F67707432','2acc9cb34c3f45fc87350860801343e8',X'',0);
CREATE TABLE turns (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        parent_id TEXT,
        role TEXT NOT NULL,
        text BLOB NOT NULL,
        created REAL NOT NULL,
        active_child TEXT,
        passages TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL DEFAULT 'done'
    );
INSERT INTO "turns" VALUES('73dfe9667583447b9a3f8b190e8fcaef','42d3bac3078c49c8a5e78f364c13bf89',NULL,'user',X'497420776173206C6174652E',1.79655545235797882083e+09,'bf6c73512aea489293a943a6478ef79a','[]','done');
INSERT INTO "turns" VALUES('b97ceed836374400944383c696ee11bd','42d3bac3078c49c8a5e78f364c13bf89','73dfe9667583447b9a3f8b190e8fcaef','assistant',X'20546865207261696E2066656C6C2E',1.79655545235799741742e+09,'22c377d9ff0d4cfbb889daa05efc1982','[{"start": 0, "end": 15, "model": "/models/gpt2", "settings": {"temperature": 0.7, "top_k": 40, "seed": 5}, "seed": 5, "prompt_tokens": null, "new_tokens": 4, "reason": "length", "prompt_truncated": null, "context_shifts": null, "created": 1700000002.0}]','done');
INSERT INTO "turns" VALUES('22c377d9ff0d4cfbb889daa05efc1982','42d3bac3078c49c8a5e78f364c13bf89','b97ceed836374400944383c696ee11bd','user',X'5368652072616E2E',1.79655545235807800287e+09,'62d53ce0e8e144fd9d2d345a90929444','[]','done');
INSERT INTO "turns" VALUES('62d53ce0e8e144fd9d2d345a90929444','42d3bac3078c49c8a5e78f364c13bf89','22c377d9ff0d4cfbb889daa05efc1982','assistant',X'20417761792E',1.79655545235809040076e+09,NULL,'[{"start": 0, "end": 6, "model": "/models/gpt2", "settings": {"temperature": 0.7, "top_k": 40, "seed": 5}, "seed": 6, "prompt_tokens": null, "new_tokens": 2, "reason": "eos", "prompt_truncated": null, "context_shifts": null, "created": 1700000003.0}]','done');
INSERT INTO "turns" VALUES('bf6c73512aea489293a943a6478ef79a','42d3bac3078c49c8a5e78f364c13bf89','73dfe9667583447b9a3f8b190e8fcaef','assistant',X'20536E6F7720F09F8CA82066656C6C2E',1.79655545235815191276e+09,'d3b1bb47e4ac4fc28b4963eee233fdac','[{"start": 0, "end": 13, "model": "/models/gpt2", "settings": {"temperature": 0.7, "top_k": 40, "seed": 9}, "seed": 9, "prompt_tokens": null, "new_tokens": 5, "reason": "length", "prompt_truncated": null, "context_shifts": null, "created": 1700000004.0}]','done');
INSERT INTO "turns" VALUES('d3b1bb47e4ac4fc28b4963eee233fdac','42d3bac3078c49c8a5e78f364c13bf89','bf6c73512aea489293a943a6478ef79a','user',X'486520776169746564',1.79655545235822319979e+09,'24579b75983b4fb496f54ab1250b945b','[]','done');
INSERT INTO "turns" VALUES('24579b75983b4fb496f54ab1250b945b','42d3bac3078c49c8a5e78f364c13bf89','d3b1bb47e4ac4fc28b4963eee233fdac','assistant',X'E280A6206E6F626F64792063616D652E205468656E',1.79655545235823345178e+09,NULL,'[{"start": 0, "end": 14, "model": "/models/gpt2", "settings": {"temperature": 0.7, "top_k": 40, "seed": 5}, "seed": 10, "prompt_tokens": null, "new_tokens": 4, "reason": "length", "prompt_truncated": null, "context_shifts": null, "created": 1700000005.0}, {"start": 14, "end": 19, "model": "/models/gpt2", "settings": {"temperature": 0.7, "top_k": 40, "seed": 5}, "seed": 11, "prompt_tokens": null, "new_tokens": 1, "reason": "cancelled", "prompt_truncated": null, "context_shifts": null, "created": 1700000007.0}]','stopped');
INSERT INTO "turns" VALUES('a6b05ccbbe1a499683f1ed453ea1271b','24d5b63a39a345d9a04992227316e51f',NULL,'user',X'446561722064696172792C',1.79655545235850811003e+09,'15e879ec490047d3993407582cffdd2a','[]','done');
INSERT INTO "turns" VALUES('15e879ec490047d3993407582cffdd2a','24d5b63a39a345d9a04992227316e51f','a6b05ccbbe1a499683f1ed453ea1271b','assistant',X'20746F6461792049',1.79655545235852026932e+09,NULL,'[{"start": 0, "end": 8, "model": "/models/gpt2", "settings": {"temperature": 0.7, "top_k": 40, "seed": 5}, "seed": 1, "prompt_tokens": null, "new_tokens": 2, "reason": "length", "prompt_truncated": null, "context_shifts": null, "created": 1700000009.0}]','done');
INSERT INTO "turns" VALUES('df39ba4171eb4af58493b09cc17f023b','24d5b63a39a345d9a04992227316e51f',NULL,'user',X'44656172204B697474792C',1.79655545235866642003e+09,NULL,'[{"edited_from": "a6b05ccbbe1a499683f1ed453ea1271b", "created": 1700000011.0}]','done');
INSERT INTO "turns" VALUES('2acc9cb34c3f45fc87350860801343e8','4e776bc08f90457592e33e149a7c84c9',NULL,'user',X'68656C6C6F',1.79655545235880184174e+09,'cd604f10931c4cab8e6e0d54dd2ed302','[]','done');
INSERT INTO "turns" VALUES('cd604f10931c4cab8e6e0d54dd2ed302','4e776bc08f90457592e33e149a7c84c9','2acc9cb34c3f45fc87350860801343e8','assistant',X'6869207468657265',1.79655545235881400106e+09,NULL,'[{"start": 0, "end": 8, "model": "/models/gpt2", "settings": {"temperature": 0.7, "top_k": 40, "seed": 5}, "seed": 2, "prompt_tokens": null, "new_tokens": 2, "reason": "eos", "prompt_truncated": null, "context_shifts": null, "created": 1700000014.0}]','done');
CREATE INDEX conversations_by_updated ON conversations(updated);
CREATE INDEX turns_by_conversation ON turns(conversation_id);
COMMIT;
