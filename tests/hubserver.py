"""A real local Hugging Face Hub: the part of the protocol huggingface_hub 0.36 uses.

Serves models (dicts of file name -> bytes) on 127.0.0.1 at a random port:

- ``GET /api/models/{repo}`` and ``/api/models/{repo}/revision/{rev}``: model
  info JSON (``HfApi.model_info``) with ``siblings`` (size, LFS sha256) and ``config``.
- ``HEAD``/``GET /{repo}/resolve/{rev}/{file}``: ``X-Repo-Commit``, ``ETag``,
  ``Content-Length``; LFS files (weights) also ``X-Linked-Etag`` (their sha256)
  and ``X-Linked-Size``, and a 302 to ``/lfs/{sha256}`` as the Hub redirects to
  its CDN. 404s carry ``X-Error-Code: RepoNotFound`` or ``EntryNotFound``.
- Range requests (206 with ``Content-Range``).
- Revisions other than main (``Repo.add_revision``, e.g. ``refs/pr/1`` with the
  Hub's safetensors conversion), sent URL-quoted as the client does
  (``refs%2Fpr%2F1``), and ``GET /api/models/{repo}/discussions?p=N``: the
  discussions listing (``Repo.discussions``, pages of 50, as the Hub sends it).

Every request is logged (``server.log``), and faults can be injected: drop the
connection mid-body once, corrupt a body (same size, wrong sha256), answer
everything with a captive-portal page, stream slowly. Hostile behaviours too
(see :class:`Faults`): headers that are not what the Hub sends (an ``ETag`` or
``X-Repo-Commit`` that is a path), model info with odd JSON types or unsafe
file names, redirect loops, a body that stops halfway (or never starts) with the connection open.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

LFS_SUFFIXES = (".h5", ".safetensors", ".bin", ".msgpack")
PORTAL_PAGE = b"<!doctype html><html><body><h1>Hotel Wi-Fi</h1>Please log in.</body></html>"


@dataclass
class Request:
    method: str
    path: str
    range: str | None


@dataclass
class Faults:
    """What goes wrong next; each field is read by the serving threads."""

    #: file name -> for each of the next GETs, the bytes sent before the connection drops.
    drop_after: dict[str, list[int]] = field(default_factory=dict)
    #: file names whose body is served with one byte flipped.
    corrupt: set[str] = field(default_factory=set)
    #: "all": every request gets the portal page; "resolve": only file requests.
    captive: str | None = None
    #: file name -> (bytes per write, seconds between writes).
    slow: dict[str, tuple[int, float]] = field(default_factory=dict)
    #: False: /api/models answers a plain 404, as a files-only mirror does.
    api: bool = True
    #: file name -> headers that replace (or add to) the usual ones on its /resolve/
    #: answers, 404s included: e.g. ``{"ETag": '"../../x"'}``.
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    #: file names listed in the model info but answered 404 (EntryNotFound).
    missing: set[str] = field(default_factory=set)
    #: gets the model info (a dict) and returns what is sent instead (any JSON
    #: value): odd types, unsafe file names...
    info_edit: Callable[[dict[str, Any]], Any] | None = None
    #: where the server redirects in a loop: "resolve" (a relative redirect from a
    #: file's URL to itself, which the client follows on HEAD), "download" (the
    #: file's download URL redirects to itself), "api" (the model info does).
    redirect_loop: str | None = None
    #: file name -> bytes of its body sent before the server goes silent; the
    #: connection stays open (until the server stops).
    stall_after: dict[str, int] = field(default_factory=dict)
    #: file names whose GETs get no answer at all, not even headers (HEADs do).
    silent: set[str] = field(default_factory=set)
    #: gets a page of the discussions listing (a dict) and returns what is sent instead.
    discussions_edit: Callable[[dict[str, Any]], Any] | None = None
    #: False: the discussions route answers a plain 404, as a mirror without it does.
    discussions: bool = True


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


CONVERSION_TITLE = "Adding `safetensors` variant of this model"
DISCUSSIONS_PER_PAGE = 50


def discussion(
    num: int,
    *,
    title: str = CONVERSION_TITLE,
    author: str = "SFconvertbot",
    status: str = "open",
    pull_request: bool = True,
    repo_id: str = "",
) -> dict[str, Any]:
    """One entry of the Hub's discussions listing (by default the conversion bot's PR)."""
    return {
        "num": num,
        "author": {"name": author, "type": "user"},
        "repo": {"name": repo_id, "type": "model"},
        "title": title,
        "status": status,
        "createdAt": "2023-11-17T00:00:00.000Z",
        "isPullRequest": pull_request,
        "numComments": 1,
        "pinned": False,
    }


class Repo:
    """One model repository: files and a fixed commit id (main), other revisions, discussions."""

    def __init__(self, repo_id: str, files: dict[str, bytes], config: Any = None) -> None:
        self.repo_id = repo_id
        self.files = files
        self.commit = hashlib.sha1(repo_id.encode()).hexdigest()
        if config is None and "config.json" in files:
            config = json.loads(files["config.json"])
        self.config = config
        #: revision name (e.g. "refs/pr/1") -> its files and commit.
        self.revisions: dict[str, Repo] = {}
        #: the discussions listing, newest first as the Hub sends it.
        self.discussions: list[dict[str, Any]] = []

    def add_revision(self, revision: str, files: dict[str, bytes]) -> Repo:
        """Serves ``files`` at ``revision`` too, with a commit id of its own."""
        tree = Repo(self.repo_id, files)
        tree.commit = hashlib.sha1(f"{self.repo_id}@{revision}".encode()).hexdigest()
        self.revisions[revision] = tree
        return tree

    def at(self, revision: str | None) -> Repo | None:
        """The tree of a revision: main (or its commit), a named revision or its commit."""
        if revision in (None, "main", self.commit):
            return self
        for name, tree in self.revisions.items():
            if revision in (name, tree.commit):
                return tree
        return None

    def trees(self) -> list[Repo]:
        return [self, *self.revisions.values()]

    @staticmethod
    def is_lfs(name: str) -> bool:
        return name.endswith(LFS_SUFFIXES)

    def sha256(self, name: str) -> str:
        return hashlib.sha256(self.files[name]).hexdigest()

    def etag(self, name: str) -> str:
        return self.sha256(name) if self.is_lfs(name) else git_blob_sha1(self.files[name])

    def info(self, blobs: bool) -> dict[str, Any]:
        siblings = []
        for name, data in sorted(self.files.items()):
            entry: dict[str, Any] = {"rfilename": name}
            if blobs:
                entry["size"] = len(data)
                entry["blobId"] = git_blob_sha1(data)
                if self.is_lfs(name):
                    entry["lfs"] = {
                        "size": len(data),
                        "sha256": self.sha256(name),
                        "pointerSize": 134,
                    }
            siblings.append(entry)
        info: dict[str, Any] = {
            "_id": self.commit[:24],
            "id": self.repo_id,
            "modelId": self.repo_id,
            "sha": self.commit,
            "private": False,
            "gated": False,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": ["transformers", "tf", "gpt2"],
            "library_name": "transformers",
            "siblings": siblings,
        }
        if self.config is not None:
            info["config"] = {"model_type": self.config.get("model_type")}
        return info


class HubServer:
    """The server; ``url`` is its endpoint. Use as a context manager or call stop()."""

    def __init__(self, repos: dict[str, dict[str, bytes]] | None = None) -> None:
        self.repos: dict[str, Repo] = {}
        self.log: list[Request] = []
        self.faults = Faults()
        self._lock = threading.Lock()
        self.stopping = threading.Event()  # ends the silence of stalled answers
        for repo_id, files in (repos or {}).items():
            self.add(repo_id, files)
        handler = type("Handler", (_Handler,), {"hub": self})
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        # A short poll: stop() waits up to one interval (0.5 s by default, per test).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def add(self, repo_id: str, files: dict[str, bytes]) -> Repo:
        repo = Repo(repo_id, files)
        self.repos[repo_id] = repo
        return repo

    def record(self, request: Request) -> None:
        with self._lock:
            self.log.append(request)

    def requests(self, method: str | None = None, contains: str = "") -> list[Request]:
        with self._lock:
            return [
                r for r in self.log if (method is None or r.method == method) and contains in r.path
            ]

    def open_connections(self) -> int:
        """Connections a client still holds open (HTTP/1.1 keep-alive)."""
        return self._httpd.open_connections

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> HubServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.open_connections = 0
        self._count_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._count_lock:
            self.open_connections += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        # The client closed its end, or the handler gave up on it.
        super().shutdown_request(request)
        with self._count_lock:
            self.open_connections -= 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a dropped connection is on purpose here


_RESOLVE = re.compile(r"^/(?P<repo>.+?)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")
_DISCUSSIONS = re.compile(r"^/api/models/(?P<repo>.+?)/discussions$")
_API = re.compile(r"^/api/models/(?P<repo>.+?)(?:/revision/(?P<rev>[^/]+))?$")
_LFS = re.compile(r"^/lfs/(?P<sha>[0-9a-f]{64})$")
_LOOP = re.compile(r"^/loop/(?P<file>.+)$")


class _Handler(BaseHTTPRequestHandler):
    hub: HubServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_GET(self) -> None:
        self._serve(body=True)

    # -- routing -----------------------------------------------------------

    def _serve(self, *, body: bool) -> None:
        path = self.path.split("?", 1)[0]
        self.hub.record(Request(self.command, self.path, self.headers.get("Range")))
        captive = self.hub.faults.captive
        if captive == "all" or (captive == "resolve" and "/resolve/" in path):
            return self._send(
                200,
                PORTAL_PAGE if body else b"",
                {"Content-Type": "text/html"},
                length=len(PORTAL_PAGE),
            )
        faults = self.hub.faults
        if (m := _DISCUSSIONS.match(path)) and faults.api and faults.discussions:
            return self._discussions(m["repo"], body)
        if (m := _API.match(path)) and self.hub.faults.api:
            if self.hub.faults.redirect_loop == "api":
                return self._send(302, b"", {"Location": path}, length=0)
            return self._api(m["repo"], m["rev"], body)
        if _LOOP.match(path):
            return self._send(302, b"", {"Location": path}, length=0)
        if m := _RESOLVE.match(path):
            return self._resolve(m["repo"], unquote(m["rev"]), m["file"], body)
        if m := _LFS.match(path):
            for repo in self.hub.repos.values():
                for tree in repo.trees():
                    for name in tree.files:
                        if tree.is_lfs(name) and tree.sha256(name) == m["sha"]:
                            return self._file(tree, name, body)
        # An unknown route: a plain 404, as any web server answers.
        self._send(404, b"Not Found" if body else b"", {"Content-Type": "text/plain"}, 9)

    def _discussions(self, repo_id: str, body: bool) -> None:
        repo = self.hub.repos.get(repo_id)
        if repo is None:
            return self._error(404, "RepoNotFound", "Repository not found")
        query = parse_qs(urlparse(self.path).query)
        page = int(query.get("p", ["0"])[0])
        start = page * DISCUSSIONS_PER_PAGE
        listing: Any = {
            "discussions": repo.discussions[start : start + DISCUSSIONS_PER_PAGE],
            "count": len(repo.discussions),
            "start": start,
            "numClosedDiscussions": sum(d.get("status") != "open" for d in repo.discussions),
        }
        edit = self.hub.faults.discussions_edit
        data = json.dumps(listing if edit is None else edit(listing)).encode()
        self._send(200, data if body else b"", {"Content-Type": "application/json"}, len(data))

    def _api(self, repo_id: str, revision: str | None, body: bool) -> None:
        repo = self.hub.repos.get(repo_id)
        if repo is None:
            return self._error(404, "RepoNotFound", "Repository not found")
        tree = repo.at(unquote(revision) if revision else None)
        if tree is None:
            return self._error(404, "RevisionNotFound", "Invalid rev id")
        info = tree.info(blobs="blobs=True" in self.path)
        sent: Any = info if self.hub.faults.info_edit is None else self.hub.faults.info_edit(info)
        data = json.dumps(sent).encode()
        self._send(200, data if body else b"", {"Content-Type": "application/json"}, len(data))

    def _resolve(self, repo_id: str, revision: str, name: str, body: bool) -> None:
        found = self.hub.repos.get(repo_id)
        if found is None:
            return self._error(404, "RepoNotFound", "Repository not found")
        repo = found.at(revision)
        if repo is None:
            return self._error(404, "RevisionNotFound", "Invalid rev id")
        faults = self.hub.faults
        if name not in repo.files or name in faults.missing:
            return self._error(
                404, "EntryNotFound", "Entry not found", commit=repo.commit, name=name
            )
        if faults.redirect_loop == "resolve":
            return self._send(302, b"", {"Location": self.path}, length=0)
        if faults.redirect_loop == "download":
            return self._lfs_redirect(repo, name, f"{self.hub.url}/loop/{name}")
        if repo.is_lfs(name):
            return self._lfs_redirect(repo, name, f"{self.hub.url}/lfs/{repo.sha256(name)}")
        self._file(repo, name, body)

    # -- bodies ------------------------------------------------------------

    def _lfs_redirect(self, repo: Repo, name: str, location: str) -> None:
        """The Hub's answer for a large file: its ids and size, and where it really is."""
        data = repo.files[name]
        headers = {
            "X-Repo-Commit": repo.commit,
            "X-Linked-Etag": f'"{repo.sha256(name)}"',
            "X-Linked-Size": str(len(data)),
            "ETag": f'"{git_blob_sha1(data)}"',
            "Location": location,
        }
        self._send(302, b"", self._hostile(name, headers), length=0)

    def _file(self, repo: Repo, name: str, body: bool) -> None:
        data = repo.files[name]
        faults = self.hub.faults
        if body and name in faults.silent:
            self.hub.stopping.wait()  # the request was read; no answer comes
            self.close_connection = True
            return
        if name in faults.corrupt:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        headers = {
            "X-Repo-Commit": repo.commit,
            "ETag": f'"{repo.etag(name)}"',
            "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream",
        }
        headers = self._hostile(name, headers)
        status, start, end = 200, 0, len(data)
        wanted = self.headers.get("Range")
        if wanted and (m := re.fullmatch(r"bytes=(\d+)-(\d*)", wanted.strip())):
            start = int(m[1])
            end = int(m[2]) + 1 if m[2] else len(data)
            if start >= len(data):
                headers["Content-Range"] = f"bytes */{len(data)}"
                return self._send(416, b"", headers, length=0)
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{len(data)}"
        part = data[start:end]
        self._start(status, headers, len(part))
        if not body:
            return
        stall = faults.stall_after.get(name)
        if stall is not None:
            self.wfile.write(part[:stall])
            self.wfile.flush()
            self.hub.stopping.wait()  # silence, with the connection open
            self.close_connection = True
            return
        drops = faults.drop_after.get(name)
        drop = drops.pop(0) if drops else None
        if drop is not None:
            self.wfile.write(part[:drop])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)  # the connection dies mid-body
            return
        step, pause = faults.slow.get(name, (len(part) or 1, 0.0))
        for i in range(0, len(part), step):
            try:
                self.wfile.write(part[i : i + step])
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return
            if pause:
                time.sleep(pause)

    def _hostile(self, name: str, headers: dict[str, str]) -> dict[str, str]:
        """The headers of a file's answer, with those of ``faults.headers`` instead."""
        return {**headers, **self.hub.faults.headers.get(name, {})}

    def _error(
        self,
        status: int,
        code: str,
        message: str,
        commit: str | None = None,
        name: str | None = None,
    ) -> None:
        data = json.dumps({"error": message}).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Error-Code": code,
            "X-Error-Message": message,
        }
        if commit:
            headers["X-Repo-Commit"] = commit
        if name is not None:
            headers = self._hostile(name, headers)
        self._send(status, data if self.command != "HEAD" else b"", headers, len(data))

    def _send(self, status: int, data: bytes, headers: dict[str, str], length: int) -> None:
        self._start(status, headers, length)
        if data:
            self.wfile.write(data)

    def _start(self, status: int, headers: dict[str, str], length: int) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(length))
        self.end_headers()


def folder_files(folder: Path) -> dict[str, bytes]:
    """The files of a model folder, as a repo for the server."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@contextmanager
def serving(repos: dict[str, dict[str, bytes]]) -> Iterator[HubServer]:
    server = HubServer(repos)
    try:
        yield server
    finally:
        server.stop()
