"""Start the backend and the frontend together for local development; Ctrl-C stops both.

`python scripts/dev.py --api-port 8000 --ui-port 8501` (`make run` passes API_PORT and UI_PORT).
The frontend is pointed at the backend started here, whatever BACKEND_URL says.
"""

import argparse
import os
import signal
import subprocess
import sys
import time


def port(value: str) -> int:
    """A TCP port number, for argparse."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1-65535)")
    return number


def commands(api_port: int, ui_port: int) -> list[tuple[str, tuple[str, ...], str]]:
    """Name, argv and the port variable of each server."""
    backend = (
        *(sys.executable, "-m", "uvicorn", "llm_starter_api.main:create_app", "--factory"),
        *("--host", "127.0.0.1", "--port", str(api_port)),
        *("--reload", "--reload-dir", "backend/src", "--reload-dir", "shared/src"),
        # Plug-ins reload too (uvicorn skips a reload directory that does not exist).
        *("--reload-dir", "examples"),
    )
    frontend = (
        *(sys.executable, "-m", "llm_starter_ui"),
        *("--server.headless", "true", "--server.port", str(ui_port)),
        *("--server.runOnSave", "true"),
    )
    return [("backend", backend, "API_PORT"), ("frontend", frontend, "UI_PORT")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-port", type=port, default=8000, help="backend port (8000)")
    parser.add_argument("--ui-port", type=port, default=8501, help="frontend port (8501)")
    args = parser.parse_args(argv)
    if args.api_port == args.ui_port:
        parser.error(f"the backend and the frontend both want port {args.api_port}")
    servers = commands(args.api_port, args.ui_port)
    # The script reads no setting of the app: it only tells the frontend where this backend is.
    ui_env = os.environ | {"BACKEND_URL": f"http://127.0.0.1:{args.api_port}"}
    procs = [
        subprocess.Popen(argv, env=ui_env if name == "frontend" else None)  # noqa: S603 - our argv
        for name, argv, _ in servers
    ]
    print(
        f"API  http://127.0.0.1:{args.api_port}  (docs at /docs)\n"
        f"UI   http://localhost:{args.ui_port}\nCtrl-C stops both.",
        flush=True,
    )
    # `kill` (SIGTERM) stops both servers the way Ctrl-C does, leaving no orphan behind.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        while all(proc.poll() is None for proc in procs):
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass  # Ctrl-C reaches the children too (same process group); they are waited for below.
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    # Report the first server that died on its own; a Ctrl-C shutdown is a clean exit.
    for (name, _, variable), proc in zip(servers, procs, strict=True):
        if proc.returncode > 0:
            print(
                f"The {name} exited with {proc.returncode}. If its port is taken, "
                f"choose another: make run {variable}=<port>",
                file=sys.stderr,
            )
            return proc.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
