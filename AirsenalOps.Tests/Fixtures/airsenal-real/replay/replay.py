"""Plays a timed recording of the real AIrsenal 1.15 CLI (../recordings/*.jsonl) as if it were the program.

Every airsenal_* file in this folder runs main() under its own name, so this folder can be the console's
AIRSENAL_BIN_DIR. A recording line is {"t": s, "fd": 1|2, "data": text} (a chunk as the real program's pipe
gave it), {"t": s, "fd": 0, "data": text} (what was written to its stdin) or, last, {"t": s, "exit": code}.

What the replay does, like the real program:
- writes each chunk to the same stream, byte for byte (\\r, ANSI codes, tqdm's ESC[A, lines split across
  chunks), at its recorded time divided by REPLAY_SPEED (default 1 = real time; 0 or "max" = no waiting);
- where the real program called input() (a stdout chunk ending in "(y/n): "), it reads one line of stdin.
  When the answer matches the recording (the same answer, or EOF where the real run met EOF) it goes on,
  playing the rest relative to the moment the answer came (an answer given at once skips a recorded wait).
  When it does not match, it goes on with the sibling recording of the same command that saw that answer
  (run_optimization.jsonl answered "n", run_optimization-login_prompt_eof.jsonl met EOF: so EOF on the
  answered recordings ends in the real EOFError traceback, exit 1). With no such sibling: exit 3;
- forks worker processes (multiprocessing, fork) while the optimiser's bars are drawn (from its first bar to
  its last, in a recording with a "Total progress" bar):
  --num_thread of them, else 4 (AIrsenal's default). They hold the output pipes like the real workers, take
  SIGINT from the process group as KeyboardInterrupt ("Process ForkProcess-1:" traceback), and end when the
  recorded bars end (or when the leader is gone);
- keeps $AIRSENAL_HOME/airsopt/ as the real optimiser does: emptied when the bars start, one strategy_*.json
  per strategy counted by the "Total progress" bar (n/N), deleted when the bars end;
- exits with the recorded code; SIGINT/SIGTERM end it as they end Python (KeyboardInterrupt traceback).

Choosing the recording: REPLAY_RECORDING (a file name in ../recordings with or without .jsonl, or a path);
default: the command name without "airsenal_" (airsenal_make_squad -> make_squad.jsonl). REPLAY_DATABASE:
a SQLite file copied over $AIRSENAL_DB_FILE just before a recorded exit 0 (what the real run left behind,
e.g. a copy of shared/airsenal-real/data-after-optimisation.db). Messages of the replay itself start with
"replay:" and go to stderr; they appear only when the recording cannot be played.
"""
import json
import multiprocessing
import multiprocessing.synchronize  # noqa: F401 (imported before the bars, not while they start)
import os
import re
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RECORDINGS = os.path.join(os.path.dirname(HERE), "recordings")
PROMPT = re.compile(r"\((?:y/n|yes/no)\):? $")
TOTAL = re.compile(r"Total progress:\s*\d+%\|[^|\r\n]*\|\s*(\d+)/(\d+)")
NO_MATCH = 3


def fail(message, code=2):
    sys.stderr.write(f"replay: {message}\n")
    sys.stderr.flush()
    sys.exit(code)


class Recording:
    """One recording: its output events, the points where the program read stdin, and its exit."""

    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[: -len(".jsonl")]
        self.events = []  # (t, fd, data)
        self.exit_code = None
        self.exit_t = 0.0
        stdin = []  # (t, text written to stdin)
        with open(path, encoding="utf-8") as f:
            for number, raw in enumerate(f, 1):
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                except ValueError:
                    fail(f"{path}:{number} is not JSON")
                if "exit" in record:
                    self.exit_code, self.exit_t = int(record["exit"]), float(record["t"])
                elif record["fd"] == 0:
                    stdin.append((float(record["t"]), record["data"]))
                else:
                    self.events.append((float(record["t"]), int(record["fd"]), record["data"]))
        if self.exit_code is None:
            fail(f"{path} has no exit line")
        # The k-th read gets the k-th line written to stdin (None: EOF), available from when it was written.
        lines = []
        for t, text in stdin:
            for line in text.splitlines(keepends=True):
                lines.append((t, line))
        self.reads = {}  # event index -> (recorded answer or None, time the program went on)
        for index, (t, fd, data) in enumerate(self.events):
            if fd == 1 and PROMPT.search(data):
                k = len(self.reads)
                answer, written = (lines[k][1].strip(), lines[k][0]) if k < len(lines) else (None, t)
                self.reads[index] = (answer, max(t, written))
        # The optimiser's bars, its own "Total progress" and its workers' (stacked below it), span the workers' life.
        bars = [i for i, (_, fd, data) in enumerate(self.events) if fd == 2 and "%|" in data]
        optimiser = any(fd == 2 and "Total progress" in data for _, fd, data in self.events)
        self.bars = (bars[0], bars[-1]) if optimiser else None


def find(name):
    path = name if os.path.sep in name else os.path.join(RECORDINGS, name if name.endswith(".jsonl") else name + ".jsonl")
    if not os.path.isfile(path):
        fail(f"no recording {path}")
    return Recording(path)


def sibling(current, k, answer):
    """The recording of the same command whose k-th read got `answer` (None: EOF)."""
    base = current.name.split("-")[0]
    # The plain recording of the command first (run_optimization.jsonl), then its variants.
    for file in sorted(os.listdir(os.path.dirname(current.path)), key=lambda f: (f != base + ".jsonl", f)):
        if file == os.path.basename(current.path) or not file.endswith(".jsonl") or file[:-6].split("-")[0] != base:
            continue
        other = Recording(os.path.join(os.path.dirname(current.path), file))
        points = sorted(other.reads)
        if len(points) > k and other.reads[points[k]][0] == answer:
            return other, points[k]
    return None, None


def worker(leader, stop):
    # An optimiser worker: busy until the leader's bars end. SIGINT (the console's cancel reaches the whole
    # group) raises KeyboardInterrupt here as in AIrsenal's workers.
    while not stop.wait(0.1):
        if os.getppid() != leader:
            return


class Optimiser:
    """The real optimiser's side effects while its bars are drawn: worker processes and strategy files."""

    def __init__(self, argv):
        self.count = 4
        for i, arg in enumerate(argv):
            value = arg.split("=", 1)[1] if arg.startswith("--num_thread=") else argv[i + 1] if arg == "--num_thread" and i + 1 < len(argv) else None
            if value is not None:
                self.count = max(1, int(value))
        home = os.environ.get("AIRSENAL_HOME")
        self.airsopt = os.path.join(home, "airsopt") if home else None
        self.workers = []
        self.stop = None
        self.files = 0

    def start(self):
        if self.airsopt:
            shutil.rmtree(self.airsopt, ignore_errors=True)
            os.makedirs(self.airsopt, exist_ok=True)
        context = multiprocessing.get_context("fork")
        self.stop = context.Event()
        for _ in range(self.count):
            process = context.Process(target=worker, args=(os.getpid(), self.stop))
            process.start()
            self.workers.append(process)

    def progress(self, data):
        if not self.airsopt:
            return
        # Strategies finished so far; the bar's reset to 0/N after N/N deletes nothing.
        done = max([int(m.group(1)) for m in TOTAL.finditer(data)], default=0)
        while self.files < done:
            with open(os.path.join(self.airsopt, f"strategy_replay_{self.files}.json"), "w", encoding="utf-8") as f:
                f.write("{}")
            self.files += 1

    def end(self):
        if self.stop is not None:
            self.stop.set()
        for process in self.workers:
            process.join()
        self.workers = []
        if self.airsopt:
            shutil.rmtree(self.airsopt, ignore_errors=True)


def write(fd, data):
    view = memoryview(data.encode("utf-8"))
    while view:
        view = view[os.write(fd, view):]


def speed():
    raw = os.environ.get("REPLAY_SPEED", "1").strip().lower()
    if raw in ("0", "max", "inf"):
        return None
    try:
        value = float(raw)
    except ValueError:
        fail(f"REPLAY_SPEED={raw!r} is not a number")
    if value <= 0:
        fail(f"REPLAY_SPEED={raw!r} must be positive (0 or max: no waiting)")
    return value


def play(recording, argv):
    rate = speed()
    base = time.monotonic()

    def wait_until(t):
        if rate is not None:
            delay = base + t / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    optimiser = Optimiser(argv)
    reads_done = 0
    index = 0
    while index < len(recording.events):
        t, fd, data = recording.events[index]
        wait_until(t)
        if recording.bars and index == recording.bars[0]:
            optimiser.start()
        write(fd, data)
        if recording.bars and recording.bars[0] <= index <= recording.bars[1] and fd == 2:
            optimiser.progress(data)
        if recording.bars and index == recording.bars[1]:
            optimiser.end()
        if index in recording.reads:
            expected, resume = recording.reads[index]
            line = sys.stdin.buffer.readline()
            answer = line.decode("utf-8", "replace").strip() if line else None
            if answer != expected:
                other, at = sibling(recording, reads_done, answer)
                if other is None:
                    shown = "EOF" if answer is None else repr(answer)
                    fail(f"{recording.name} has no run of this command where prompt {reads_done + 1} got {shown}", NO_MATCH)
                recording, index, resume = other, at, other.reads[at][1]
            reads_done += 1
            # What follows is timed from the moment the program went on.
            if rate is not None:
                base = time.monotonic() - resume / rate
        index += 1

    optimiser.end()
    wait_until(recording.exit_t)
    if recording.exit_code == 0 and os.environ.get("REPLAY_DATABASE"):
        target = os.environ.get("AIRSENAL_DB_FILE")
        if not target:
            fail("REPLAY_DATABASE is set but AIRSENAL_DB_FILE is not")
        shutil.copyfile(os.environ["REPLAY_DATABASE"], target)
    return recording.exit_code


def main(name):
    chosen = os.environ.get("REPLAY_RECORDING") or (name[len("airsenal_"):] if name.startswith("airsenal_") else name)
    sys.exit(play(find(chosen), sys.argv[1:]))
