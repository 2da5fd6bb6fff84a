"""Start the backend and the frontend together for local development; Ctrl-C stops both."""

import subprocess
import sys
import time

BACKEND = (
    *(sys.executable, "-m", "uvicorn", "llm_starter_api.main:create_app", "--factory"),
    *("--host", "127.0.0.1", "--port", "8000"),
    *("--reload", "--reload-dir", "backend/src", "--reload-dir", "shared/src"),
)
FRONTEND = (
    *(sys.executable, "-m", "streamlit", "run", "frontend/src/llm_starter_ui/app.py"),
    *("--server.headless", "true", "--server.port", "8501"),
)


def main() -> int:
    procs = [subprocess.Popen(argv) for argv in (BACKEND, FRONTEND)]  # noqa: S603 - fixed argv
    try:
        while all(proc.poll() is None for proc in procs):
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass  # Ctrl-C reached the children too (same process group); wait for them below.
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
    return next((code for code in (p.returncode for p in procs) if code > 0), 0)


if __name__ == "__main__":
    sys.exit(main())
