"""Runs kernel.ipynb in the MLA kernel with nbclient, then talks to a second
kernel with jupyter_client's blocking client, and checks what comes back.

Run by crates/repl/tests/jupyter.rs with JUPYTER_PATH pointing at a
kernelspec installed by `mla jupyter install --prefix`. Exits non-zero,
naming the check, when one fails.
"""

import base64
import os
import signal
import sys
import time

import jupyter_client
import nbformat
from nbclient import NotebookClient

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else f"\n     {detail}"))
    if not ok:
        failures.append(what)


def outputs_of(cell, output_type):
    return [o for o in cell.outputs if o.output_type == output_type]


def text_of(cell):
    return "".join(o.text for o in outputs_of(cell, "stream"))


def run_notebook():
    nb = nbformat.read(os.path.join(HERE, "kernel.ipynb"), as_version=4)
    # A cell tagged `interrupt` runs 3 s; then nbclient interrupts the kernel
    # as the notebook's stop button does (kernel.json: message mode).
    client = NotebookClient(
        nb,
        kernel_name="mla",
        allow_errors=True,
        interrupt_on_timeout=True,
        timeout_func=lambda cell: 3 if "interrupt" in cell.metadata.get("tags", []) else 60,
    )
    client.execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    load, pca, project, shape, plot, loop, after = code

    check("the cells are numbered 1, 2, 3…",
          [c.execution_count for c in code] == list(range(1, 8)),
          [c.execution_count for c in code])
    check("printf output is a stream", text_of(load) == "iris: 150 samples, 4 features\n",
          repr(text_of(load)))

    shown = outputs_of(pca, "display_data") + outputs_of(pca, "execute_result")
    names = [o.data["text/plain"].split(" =")[0] for o in shown]
    check("each shown result of the PCA cell is an output", names == ["C", "vals", "vecs"], names)
    check("the last one is the cell's result",
          [o.output_type for o in pca.outputs][-1] == "execute_result", pca.outputs)
    c_html = shown[0].data.get("text/html", "")
    check("a matrix is an HTML table under its shape",
          "4×4 Matrix" in c_html and c_html.count("<td") == 16, c_html[:300])
    check("the eigenvalues are iris's", "4.2001" in shown[1].data["text/plain"],
          shown[1].data["text/plain"])
    check("the text form is the terminal's", shown[2].data["text/plain"].startswith("vecs = 4×4 Matrix"),
          shown[2].data["text/plain"])
    result = outputs_of(project, "execute_result")
    check("a bare expression is ans",
          result and result[0].data["text/plain"].split() == ["ans", "=", "1×2", "Matrix", "150", "2"],
          project.outputs)

    errors = outputs_of(shape, "error")
    check("a shape error is an error output", len(errors) == 1, shape.outputs)
    if errors:
        e = errors[0]
        check("its name is its kind", e.ename == "ShapeError", e.ename)
        check("it names both shapes", "150×2" in e.evalue and "3×3" in e.evalue, e.evalue)
        traceback = "\n".join(e.traceback)
        check("the traceback is the coloured diagnostic",
              "\x1b[" in traceback and "bad = Z * W" in traceback, traceback)

    images = [o for o in outputs_of(plot, "display_data") if "image/png" in o.data]
    check("a plot shows as an image", len(images) == 1, plot.outputs)
    if images:
        png = base64.b64decode(images[0].data["image/png"])
        width = int.from_bytes(png[16:20], "big")
        check("the image decodes as a PNG", png[:8] == b"\x89PNG\r\n\x1a\n" and width > 100,
              png[:24])
        check("an SVG comes with it", images[0].data.get("image/svg+xml", "").lstrip().startswith("<svg"))
    check("no text drawing of the plot", not outputs_of(plot, "stream"), plot.outputs)

    stopped = outputs_of(loop, "error")
    check("the infinite loop was interrupted",
          len(stopped) == 1 and stopped[0].ename == "Interrupted", loop.outputs)
    check("the workspace survives the interrupt", text_of(after) == "150 rows\n", after.outputs)
    ran = outputs_of(after, "execute_result")
    check("the loop's variable is kept", ran and ran[0].data["text/plain"] == "ran = true",
          after.outputs)


def quiet(_msg):
    """An output hook that keeps the cells' output off the report."""


def reply(kc, send):
    msg_id = send()
    while True:
        msg = kc.get_shell_msg(timeout=20)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg["content"]


def run_client():
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="mla")
    try:
        info = kc.kernel_info(reply=True, timeout=20)["content"]
        check("kernel_info names the language and protocol",
              info["language_info"]["name"] == "mla" and info["protocol_version"] == "5.3", info)
        beat = kc.connect_hb()
        beat.send(b"ping")
        answered = beat.poll(5000)
        check("the heartbeat answers", answered and beat.recv())
        beat.close()
        kc.execute_interactive("weights_1 = 1; weights_2 = 2;", timeout=20, output_hook=quiet)
        done = kc.complete("z = weights_", 12, reply=True, timeout=20)["content"]
        check("Tab completes a variable's name",
              {"weights_1", "weights_2"} <= set(done["matches"]) and done["cursor_start"] == 4,
              done)
        seen = kc.inspect("(v, w) = eig(C)", 10, reply=True, timeout=20)["content"]
        check("Shift-Tab on eig shows its help",
              seen["found"] and "eig(" in seen["data"]["text/plain"], seen)
        verdicts = [reply(kc, lambda: kc.is_complete(code))["status"]
                    for code in ["x = 1", "for i = 1:3", "x = 1 +* 2"]]
        check("is_complete is the parser's verdict", verdicts == ["complete", "incomplete", "invalid"],
              verdicts)

        # A message signed with another key, and one without its fields,
        # are ignored: the kernel answers the next request.
        forged = jupyter_client.session.Session(key=b"not the key")
        sock = kc.connect_shell()
        forged.send(sock, "execute_request", {"code": "forged = 1", "silent": False,
                                              "store_history": True})
        kc.session.send(sock, "execute_request", {"nothing": "useful"})
        sock.close()
        time.sleep(0.5)
        alive = kc.execute_interactive("after_bad = 1", timeout=20, output_hook=quiet)
        check("bad messages are ignored, not fatal", alive["content"]["status"] == "ok", alive)
        forged_ran = kc.execute_interactive("forged", timeout=20, output_hook=quiet)["content"]
        check("a forged message does not run", forged_ran["status"] == "error", forged_ran)

        # SIGINT (the "signal" interrupt mode) stops a cell too.
        msg_id = kc.execute("n = 0;\nwhile true\n  n = n + 1;\nend")
        time.sleep(1.5)
        km.signal_kernel(signal.SIGINT)
        stopped = reply(kc, lambda: msg_id)
        check("SIGINT interrupts the running cell",
              stopped["status"] == "error" and stopped["ename"] == "Interrupted", stopped)
        after = kc.execute_interactive("m = n > 0", timeout=20, output_hook=quiet)
        check("and the kernel goes on", after["content"]["status"] == "ok", after)

        silent = kc.execute_interactive("quiet = 1", silent=True, timeout=20, output_hook=quiet)["content"]
        loud = kc.execute_interactive("loud = 2", timeout=20, output_hook=quiet)["content"]
        check("a silent cell is not counted",
              loud["execution_count"] == silent["execution_count"] + 1,
              (silent, loud))

        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=30)
        fresh = kc.execute_interactive("m", timeout=20, output_hook=quiet)["content"]
        check("a restart gives a fresh workspace", fresh["status"] == "error", fresh)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    check("shutdown ends the kernel process", not km.is_alive())


if __name__ == "__main__":
    run_notebook()
    run_client()
    if failures:
        print(f"{len(failures)} check(s) failed: " + "; ".join(failures))
        sys.exit(1)
    print("all checks passed")
