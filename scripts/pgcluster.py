"""A throw-away PostgreSQL cluster for the scripts (the tests have their own, Tests/TestSupport/TestPostgres.swift):
Debian's `postgresql` package, `initdb` into a temporary folder (as the `postgres` user when run as root, since
`initdb` and `postgres` refuse root), a unix socket only, one database `streetwatch`."""
import os
import shutil
import subprocess
import tempfile


def run_quiet(argv, **kwargs):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


class Postgres:
    """initdb + pg_ctl start into a temporary folder, unix socket only; `stop()` removes it."""

    def __init__(self, settings=""):
        """`settings`: more `-c name=value` server options, e.g. for a benchmark."""
        versions = sorted(int(v) for v in os.listdir("/usr/lib/postgresql") if v.isdigit()) \
            if os.path.isdir("/usr/lib/postgresql") else []
        if not versions:
            raise SystemExit("pgcluster: PostgreSQL server not installed (no /usr/lib/postgresql/*/bin): "
                             "run scripts/install-deps.sh")
        self.bin = f"/usr/lib/postgresql/{versions[-1]}/bin"
        self.folder = tempfile.mkdtemp(prefix="sw-cluster-pg.")
        self.as_server = []
        if os.getuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.as_server = ["/usr/sbin/runuser", "-u", "postgres", "--"]
        self.server([f"{self.bin}/initdb", "-D", f"{self.folder}/data", "-U", "streetwatch", "--auth=trust",
                     "-E", "UTF8", "--locale=C.UTF-8", "-N"])
        self.server([f"{self.bin}/pg_ctl", "-D", f"{self.folder}/data", "-l", f"{self.folder}/log", "-w", "-t", "30",
                     "-o", f"-c listen_addresses='' -k {self.folder} -c max_connections=200 {settings}", "start"])
        created = run_quiet([f"{self.bin}/createdb", "-h", self.folder, "-U", "streetwatch", "streetwatch"])
        if created.returncode != 0:
            raise SystemExit(f"pgcluster: createdb failed: {created.stderr}")
        self.url = f"postgres://streetwatch@/streetwatch?host={self.folder}"

    def server(self, argv):
        # The server pg_ctl leaves running must not hold our pipes open: its output goes to a file.
        with open(os.path.join(self.folder, "server.out"), "a") as out:
            done = subprocess.run(self.as_server + argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            with open(os.path.join(self.folder, "server.out")) as f:
                raise SystemExit(f"pgcluster: {os.path.basename(argv[0])} failed: {f.read()[-2000:]}")

    def sql(self, query):
        """Rows of `query` as lists of strings (psql -At; fields split on U+001F, which no stored text holds, unlike
        '|' in incident keys)."""
        done = run_quiet([f"{self.bin}/psql", "-h", self.folder, "-U", "streetwatch", "-d", "streetwatch",
                          "-v", "ON_ERROR_STOP=1", "-At", "-F", "\x1f", "-c", query])
        if done.returncode != 0:
            raise SystemExit(f"pgcluster: psql failed: {done.stderr}")
        return [line.split("\x1f") for line in done.stdout.splitlines() if line]

    def stop(self):
        self.server([f"{self.bin}/pg_ctl", "-D", f"{self.folder}/data", "-m", "fast", "-w", "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)
