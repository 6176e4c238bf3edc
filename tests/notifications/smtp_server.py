"""A small SMTP server in a thread, for tests: it answers as told and records what it received.

`replies` maps a command ("MAIL", "RCPT", "DATA" for the reply after the message, "CONNECT"
for the greeting) to a list of replies used one by one (e.g. ["451 4.7.1 greylisted"]), then
the usual 2xx/3xx answer.
"""

import socketserver
import threading
from email import message_from_bytes

OK = {"CONNECT": "220 fake ESMTP", "MAIL": "250 ok", "RCPT": "250 ok", "DATA": "250 queued"}


class FakeSmtp:
    def __init__(self, replies: dict[str, list[str]] | None = None):
        self.replies = {command: list(answers) for command, answers in (replies or {}).items()}
        self.connections = 0
        self.messages = []  # email.message.Message, as accepted
        self.lock = threading.Lock()
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def answer(self, command: str) -> str:
                with server.lock:
                    queue = server.replies.get(command) or []
                    return queue.pop(0) if queue else OK[command]

            def handle(self):
                with server.lock:
                    server.connections += 1
                greeting = self.answer("CONNECT")
                self.reply(greeting)
                if not greeting.startswith("2"):
                    return
                while line := self.rfile.readline():
                    command = line.decode(errors="replace").strip().split(" ", 1)[0].split(":", 1)[0].upper()
                    if command in ("EHLO", "HELO"):
                        self.reply("250 fake")
                    elif command in ("MAIL", "RCPT"):
                        self.reply(self.answer(command))
                    elif command == "DATA":
                        self.reply("354 go ahead")
                        data = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        answer = self.answer("DATA")
                        if answer.startswith("2"):
                            with server.lock:
                                server.messages.append(message_from_bytes(data))
                        self.reply(answer)
                    elif command == "QUIT":
                        self.reply("221 bye")
                        return
                    else:  # RSET, NOOP
                        self.reply("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
