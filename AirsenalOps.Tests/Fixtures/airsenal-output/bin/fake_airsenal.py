"""Stand-in for AIrsenal's console scripts in the AIrsenal-layer tests.

Each airsenal_* file here runs main() with its own name. It prints what the real command prints
(the fixtures one folder up), touches the SQLite database in AIRSENAL_DB_FILE as the real one
would, and follows FAKE_SCENARIO (an environment variable, given to the job as a secret) to
reproduce AIrsenal's known failures: prompt, fail, exists, missing_predictions; echo and echo_fail
print the environment and the FPL credentials (the secret-leak tests). The fault-injection scenarios:
tree (update_db forks a worker and a grand-worker and prints ticks until it is killed; a second run
finishes at once), hold (update_db prints numbered lines until the file named by FAKE_RELEASE
exists, then ends well), fill (update_db writes into its database until the disk is full) and lines (update_db
prints 20,000 lines of random hex, a log that takes room in the console's store).
"""
import os
import signal
import sqlite3
import subprocess
import sys
import time

FIXTURES = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def say(text="", end="\n", stream=sys.stdout):
    stream.write(text + end)
    stream.flush()


def fixture(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        for line in f.read().splitlines():
            say(line)


def set_marker(value):
    # The tests write a `marker` table into the persistent copy; the job's change must reach it
    # only through the console's copy-back.
    with sqlite3.connect(os.environ["AIRSENAL_DB_FILE"]) as db:
        db.execute("CREATE TABLE IF NOT EXISTS marker (value TEXT)")
        db.execute("DELETE FROM marker")
        db.execute("INSERT INTO marker VALUES (?)", (value,))


def ask(prompt):
    # Like input(): the prompt has no newline, and a closed stdin raises EOFError.
    say(prompt, end="")
    answer = sys.stdin.readline()
    if not answer:
        say("Traceback (most recent call last):", stream=sys.stderr)
        say("EOFError: EOF when reading a line", stream=sys.stderr)
        sys.exit(1)
    return answer.strip()


def traceback(message):
    say("Traceback (most recent call last):", stream=sys.stderr)
    say('  File "airsenal/scripts/fake.py", line 1, in <module>', stream=sys.stderr)
    say(message, stream=sys.stderr)
    sys.exit(1)


def optimize():
    if ask("Would you like to login to the FPL API? (y/n): ") == "n":
        say("answer n")
    say("Total progress:  25%|██▌       | 1/4 [00:01<00:03,  1.00s/it]", end="\r", stream=sys.stderr)
    airsopt = os.path.join(os.environ["AIRSENAL_HOME"], "airsopt")
    os.makedirs(airsopt, exist_ok=True)
    for sid in range(4):
        with open(os.path.join(airsopt, f"strategy_fake_{sid}.json"), "w", encoding="utf-8") as f:
            f.write("{}")
    # The main bar stays at 25 % (as AIrsenal's does); worker bars go on, and the console counts
    # the strategy files at most once a second, so keep printing for a few seconds.
    for step in range(3):
        time.sleep(1.2)
        say(f"strategy: 0-{step}: 100%|██████████| 1/1 [00:01<00:00,  1.00it/s]", stream=sys.stderr)
    say()
    fixture("optimise-current.txt")
    set_marker("optimised")


def worker(generation):
    # Forked workers that ignore SIGINT, like AIrsenal's optimiser processes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if generation == 1:
        subprocess.Popen([sys.executable, os.path.abspath(__file__), "worker", "2"])
    say(f"worker generation {generation} pid {os.getpid()}")
    while True:
        time.sleep(1)


def tree():
    # Prints numbered ticks; the last one printed is also kept in AIRSENAL_HOME/last_tick (replaced
    # atomically), so a test can tell how many printed lines a killed console failed to store.
    home = os.environ["AIRSENAL_HOME"]
    started = os.path.join(home, "tree_started")
    if os.path.exists(started):
        say("tree: an earlier run was interrupted; nothing left to do")
        return
    open(started, "w", encoding="utf-8").close()
    subprocess.Popen([sys.executable, os.path.abspath(__file__), "worker", "1"])
    last = os.path.join(home, "last_tick")
    for tick in range(1, 4801):
        say(f"tick {tick} {time.time_ns()}")
        with open(last + ".tmp", "w", encoding="utf-8") as f:
            f.write(f"{tick} {time.time_ns()}")
        os.replace(last + ".tmp", last)
        time.sleep(0.05)


def hold():
    # Runs until the test releases it, so a test can do things while the job runs without guessing how long that takes.
    release = os.environ["FAKE_RELEASE"]
    line = 0
    while not os.path.exists(release):
        line += 1
        say(f"hold {line}")
        time.sleep(0.05)
    say(f"released after {line} lines")


def fill():
    with sqlite3.connect(os.environ["AIRSENAL_DB_FILE"]) as db:
        db.execute("CREATE TABLE IF NOT EXISTS filler (data BLOB)")
        for _ in range(10_000):
            db.execute("INSERT INTO filler VALUES (?)", (os.urandom(16_384),))
            db.commit()


def main(name):
    scenario = os.environ.get("FAKE_SCENARIO", "")
    say(" ".join([name] + sys.argv[1:]))
    if scenario.startswith("echo"):
        # A careless tool: prints its whole environment and the FPL credentials (the console must mask them).
        for key, value in sorted(os.environ.items()):
            say(f"{key}={value}")
        say(f"Logging in to FPL as {os.environ.get('FPL_LOGIN')} with {os.environ.get('FPL_PASSWORD')}", stream=sys.stderr)
        if scenario == "echo_fail":
            traceback(f"requests.exceptions.HTTPError: 401 login={os.environ.get('FPL_LOGIN')} "
                      f"password={os.environ.get('FPL_PASSWORD')} key={os.environ.get('AIRSENAL_API_KEY')}")
    if scenario == "prompt":
        ask("Please enter FPL team ID: ")
    if name == "airsenal_run_prediction":
        say(f"db={os.environ['AIRSENAL_DB_FILE']} home={os.environ['AIRSENAL_HOME']}")
        fixture("predict.txt")
        set_marker("predicted")
    elif name == "airsenal_run_optimization":
        if scenario == "missing_predictions":
            traceback("ValueError: Database does not contain predictions for all the specified optimsation gameweeks.")
        optimize()
    elif name == "airsenal_update_db":
        if scenario == "tree":
            tree()
            return
        if scenario == "hold":
            hold()
            return
        if scenario == "fill":
            say("Updating database...")
            fill()
        if scenario == "lines":
            for number in range(1, 20_001):
                say(f"line {number} {os.urandom(48).hex()}")
        if scenario == "fail":
            traceback("sqlite3.OperationalError: no such column: player.display_name")
        say("Updating database...")
        set_marker("updated")
    elif name == "airsenal_setup_initial_db":
        if scenario == "exists":
            say(f"AIrsenal database already exists at {os.environ['AIRSENAL_DB_FILE']}: use --clean to overwrite it")
            return
        set_marker("setup")
        say("DONE!")
    elif name == "airsenal_check_data":
        fixture("check-data.txt")
    elif name == "airsenal_make_transfers":
        if "--confirm" not in sys.argv[1:] and ask("Apply Transfers? There is no turning back! (yes/no) ") != "yes":
            return
        say("Transfers made!")
    elif name == "airsenal_set_lineup":
        if "--confirm" not in sys.argv[1:] and ask("Apply changes to lineup? (yes/no) ") != "yes":
            return
        say("Lineup set!")
    else:
        say(f"{name}: done")


if __name__ == "__main__":
    # Only the tree scenario runs this file directly, to start its workers.
    worker(int(sys.argv[2]))
