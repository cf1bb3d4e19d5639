#!/usr/bin/python3
"""Runs a real iptux under Xvfb and drives it like a person would, for PacketChat's IPMsg tests.

iptux has no command line for sending. What it offers instead:
  * its GtkApplication actions on D-Bus: `app.open-chat` (with a pal's IP) opens a chat window;
  * its widgets through the accessibility tree (AT-SPI, which GTK 3 always exports): the chat
    window's input text, its Send / Files / Dirs / Accept buttons, the file choosers, the main
    window's "Pals Online: N" label and pal list.
So this driver types into iptux's own text field and presses its own buttons: iptux then sends
with its own code, exactly as when a user clicks. No coordinates, no keyboard emulation.

One catch: a button that opens a modal dialog (Files, Dirs, Accept) runs the dialog inside the
accessibility request that clicked it, and iptux then answers nothing more to the process that
clicked until that process is gone (calls time out after 4 s each). So every step that touches
iptux's widgets runs in a short-lived process of its own (`--step JSON`), and the long-lived
driver only keeps Xvfb and iptux and strings the steps together.

Start it inside `dbus-run-session` (a private session bus; the accessibility bus is started on
demand). It starts Xvfb (a free display chosen with -displayfd) and `iptux -l DEBUG` (the
hexdump of every packet goes to IPTUX_STDERR), then reads one JSON command per line on stdin and
answers one JSON object per line on stdout: {"ok": true, ...} or {"ok": false, "error": "..."}.
When stdin closes it stops iptux and Xvfb.
"""
import json
import os
import re
import subprocess
import sys
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, Gio, GLib  # noqa: E402

APP_ID = "io.github.iptux_src.iptux"
APP_PATH = "/io/github/iptux_src/iptux"
STEP = 0.05


def log(message):
    sys.stderr.write(f"[atspi-driver] {message}\n")
    sys.stderr.flush()


def start_xvfb(stderr):
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp", "-screen", "0", "1280x1024x24"],
        pass_fds=[write_end],
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        display = pipe.readline().strip()
    if not display:
        raise RuntimeError("Xvfb did not report a display")
    return xvfb, f":{display}"


def start_iptux(display, stderr_path):
    env = dict(os.environ, DISPLAY=display)
    env.pop("NO_AT_BRIDGE", None)
    with open(stderr_path, "ab") as stderr:
        command = ["iptux", "-l", "DEBUG"]
        if os.environ.get("IPTUX_GDB"):  # a backtrace when iptux crashes, for debugging
            command = ["gdb", "-q", "-batch", "-ex", "run", "-ex", "thread apply all bt 12", "--args", *command]
        return subprocess.Popen(command, env=env, stdout=stderr, stderr=stderr)


def children(node):
    try:
        count = node.get_child_count()
    except GLib.Error:
        return []
    found = []
    for i in range(count):
        try:
            child = node.get_child_at_index(i)
        except GLib.Error:
            continue
        if child is not None:
            found.append(child)
    return found


def role(node):
    try:
        return node.get_role_name()
    except GLib.Error:
        return ""


def name(node):
    try:
        return node.get_name() or ""
    except GLib.Error:
        return ""


def find(root, test):
    """Breadth-first: the first node for which test(node) holds."""
    queue = [root]
    while queue:
        node = queue.pop(0)
        if test(node):
            return node
        queue.extend(children(node))
    return None


def find_all(root, test):
    found, queue = [], [root]
    while queue:
        node = queue.pop(0)
        if test(node):
            found.append(node)
        queue.extend(children(node))
    return found


def pump():
    """Lets AT-SPI take the change notifications iptux sent (new windows, new rows)."""
    context = GLib.MainContext.default()
    while context.pending():
        context.iteration(False)


def wait_for(what, probe, timeout):
    deadline = time.monotonic() + timeout
    while True:
        pump()
        result = probe()
        if result is not None and result is not False:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(STEP)


def app():
    desktop = Atspi.get_desktop(0)
    application = find(desktop, lambda n: role(n) == "application" and name(n) == "iptux")
    return application


def top_level(title_test):
    application = app()
    if application is None:
        return None
    for child in children(application):
        if title_test(name(child)):
            return child
    return None


def click(node):
    if not Atspi.Action.do_action(node, 0):
        raise RuntimeError(f"{name(node)} did not take the click")


def button(root, label):
    return find(root, lambda n: role(n) == "push button" and name(n) == label)


class Steps:
    """Atomic operations on iptux's widgets, each run in a fresh process (see the module text)."""

    def __init__(self):
        self.bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)

    def window(self, title):
        return top_level(lambda t: t == title or (title.startswith("IP:") and t.startswith("Talk with") and t.endswith(title)))

    def step_open_chat(self, args):
        if self.window(f"IP:{args['ip']}") is None:
            self.bus.call_sync(
                APP_ID, APP_PATH, "org.gtk.Actions", "Activate",
                GLib.Variant("(sava{sv})", ("open-chat", [GLib.Variant("s", args["ip"])], {})),
                None, Gio.DBusCallFlags.NONE, -1, None,
            )
        return {}

    def step_exists(self, args):
        window = self.window(args["window"])
        if window is None or "panel" not in args:
            return {"exists": window is not None}
        panel = find(window, lambda n: role(n) == "panel" and name(n) == args["panel"])
        names = [name(c) for c in find_all(panel, lambda n: role(n) == "table cell")] if panel else []
        return {"exists": panel is not None, "names": [n for n in names if n]}

    def step_click(self, args):
        window = self.window(args["window"])
        if window is None:
            return {"done": False}
        root = window
        if "panel" in args:
            root = find(window, lambda n: role(n) == "panel" and name(n) == args["panel"])
        target = button(root, args["button"]) if root is not None else None
        if target is None:
            return {"done": False}
        click(target)
        return {"done": True}

    def step_type_and_send(self, args):
        window = self.window(f"IP:{args['ip']}")
        send = button(window, "Send") if window is not None else None
        if send is None:
            return {"done": False}
        # The input is the text field next to the Send button (the history above is a text too).
        field = find(send.get_parent().get_parent(), lambda n: role(n) == "text")
        if not Atspi.EditableText.set_text_contents(field, args["text"]):
            raise RuntimeError("iptux's input field refused the text")
        click(send)
        return {"done": True}

    def step_choose(self, args):
        """In the file chooser `window`, select the row named `name` and press Open."""
        chooser = self.window(args["window"])
        table = find(chooser, lambda n: role(n) == "table" and name(n) == "Files") if chooser else None
        cell = find(table, lambda n: role(n) == "table cell" and name(n) == args["name"]) if table else None
        if cell is None:
            return {"done": False}
        row = Atspi.Table.get_row_at_index(table, cell.get_parent().get_index_in_parent())
        Atspi.Selection.clear_selection(table)
        if not Atspi.Table.add_row_selection(table, row):
            raise RuntimeError(f"could not select {args['name']}")
        click(button(chooser, "Open"))
        return {"done": True}

    def step_online(self, _args):
        window = self.window("Iptux")
        label = find(window, lambda n: role(n) == "label" and name(n).startswith("Pals Online:")) if window else None
        match = re.search(r"(\d+)", name(label) if label else "")
        return {"online": int(match.group(1)) if match else None}

    def step_pals(self, _args):
        window = self.window("Iptux")
        cells = find_all(window, lambda n: role(n) == "table cell" and "\n" in name(n)) if window else []
        return {"pals": [name(c) for c in cells]}


def run_step(step, args, timeout):
    """One step in a fresh process; its JSON answer."""
    result = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--step", json.dumps({"step": step, **args})],
        capture_output=True, text=True, timeout=timeout,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"step {step} gave no answer: {result.stderr[-500:]}")
    answer = json.loads(lines[-1])
    if not answer.get("ok"):
        raise RuntimeError(f"step {step}: {answer.get('error')}")
    return answer


class Driver:
    """Commands for the tests, made of steps and waits."""

    def __init__(self, timeout):
        self.timeout = timeout

    def step(self, step, **args):
        return run_step(step, args, self.timeout)

    def until(self, what, step, test, **args):
        return wait_for(what, lambda: (lambda a: a if test(a) else None)(self.step(step, **args)), self.timeout)

    def chat(self, ip):
        self.step("open_chat", ip=ip)
        self.until(f"the chat window with {ip}", "exists", lambda a: a["exists"], window=f"IP:{ip}")
        return f"IP:{ip}"

    def cmd_ready(self, _args):
        self.until("iptux's main window", "exists", lambda a: a["exists"], window="Iptux")
        return {}

    def cmd_online(self, _args):
        return {"online": self.step("online")["online"]}

    def cmd_pals(self, _args):
        return {"pals": self.step("pals")["pals"]}

    def cmd_send_text(self, args):
        self.chat(args["ip"])
        self.until("iptux to take the text", "type_and_send", lambda a: a["done"], ip=args["ip"], text=args["text"])
        return {}

    def cmd_attach(self, args):
        chat = self.chat(args["ip"])
        label, title = ("Files", "Choose enclosure files") if args["kind"] == "file" else ("Dirs", "Choose enclosure folders")
        self.until(f"the {label} button", "click", lambda a: a["done"], window=chat, panel="File to send.", button=label)
        self.until(f"{args['name']} in '{title}'", "choose", lambda a: a["done"], window=title, name=args["name"])
        self.until(
            f"{args['name']} in the files to send", "exists",
            lambda a: args["name"] in a.get("names", []), window=chat, panel="File to send.",
        )
        return {}

    def cmd_send(self, args):
        chat = self.chat(args["ip"])
        self.until("the Send button", "click", lambda a: a["done"], window=chat, button="Send")
        return {}

    def cmd_offered(self, args):
        """Names in the chat window's "Files to be received" list."""
        chat = self.chat(args["ip"])
        return {"names": self.step("exists", window=chat, panel="Files to be received").get("names", [])}

    def cmd_accept(self, args):
        """Accept, then Save in the folder chooser (which opens at iptux's archive_path)."""
        chat = self.chat(args["ip"])
        title = "Please select a folder to save files."
        self.until("the Accept button", "click", lambda a: a["done"], window=chat, panel="Files to be received", button="Accept")
        self.until("the Save button", "click", lambda a: a["done"], window=title, button="Save")
        self.until("the save-folder dialog to close", "exists", lambda a: not a["exists"], window=title)
        return {}


def step_main(spec):
    """`--step JSON`: one step, one JSON answer, exit."""
    args = json.loads(spec)
    try:
        handler = getattr(Steps(), "step_" + args.pop("step"))
        answer = {"ok": True, **handler(args)}
    except Exception as error:  # noqa: BLE001 - the driver reports it
        answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    print(json.dumps(answer, ensure_ascii=False), flush=True)


def main():
    timeout = float(os.environ.get("IPTUX_DRIVER_TIMEOUT", "15"))
    stderr_path = os.environ["IPTUX_STDERR"]
    with open(os.environ.get("XVFB_LOG", os.devnull), "ab") as xlog:
        xvfb, display = start_xvfb(xlog)
    iptux = start_iptux(display, stderr_path)
    driver = Driver(timeout)
    try:
        driver.cmd_ready({})
        print(json.dumps({"ok": True, "event": "ready", "display": display, "pid": iptux.pid}), flush=True)
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            command = None
            try:
                command = json.loads(line)
                if iptux.poll() is not None:
                    raise RuntimeError(f"iptux exited with status {iptux.returncode}")
                handler = getattr(driver, "cmd_" + command["cmd"].replace("-", "_"))
                answer = {"ok": True, **handler(command)}
            except Exception as error:  # noqa: BLE001 - every failure goes back to the test
                answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
            answer["id"] = command.get("id") if isinstance(command, dict) else None
            print(json.dumps(answer, ensure_ascii=False), flush=True)
    except Exception as error:  # noqa: BLE001
        print(json.dumps({"ok": False, "event": "failed", "error": str(error)}), flush=True)
    finally:
        for process in (iptux, xvfb):
            process.terminate()
        for process in (iptux, xvfb):
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--step":
        step_main(sys.argv[2])
    else:
        main()
