"""``loket serve``: the provider on a production WSGI server."""

from __future__ import annotations

import click

from loket.cli import bootstrap


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker.")
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False),
              help="Serve HTTPS with this certificate (PEM; without a reverse proxy in front).")
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False),
              help="The certificate's private key (PEM).")
def serve(host: str, port: int, workers: int, threads: int, certfile: str | None,
          keyfile: str | None) -> None:
    """Run the provider on gunicorn (a production WSGI server)."""
    from loket.server import run

    if bool(certfile) != bool(keyfile):
        raise click.UsageError("give --certfile and --keyfile together (or neither).")
    app = bootstrap.app()
    bootstrap.prepare(app, upgrade=app.config["ENV"] == "development")
    run(host=host, port=port, workers=workers, threads=threads,
        log_format=app.config["LOG_FORMAT"], log_level=app.config["LOG_LEVEL"],
        tls=(certfile, keyfile) if certfile and keyfile else None)
