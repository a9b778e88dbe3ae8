#!/usr/bin/python3
"""Checks docker-compose.yml against the binaries it runs, with no Docker
engine: `docker-compose config` must accept the file, and what it runs must
match the real programs of this build:

- every --flag of a service's command and health check is a flag of that
  binary (its --helpfull, or the client's --help);
- the gateway and the mock start with exactly those flags (on port 0 and a
  temporary data directory instead), so the values parse too;
- ports agree: --listen / --port with `ports:` and the health checks, the
  mock's port with the gateway's --upstream_base_url and the mock's
  --public_base_url, --callback_listen with --callback_public_url, the
  client's SEEDANCE_GATEWAY with the gateway;
- paths agree: --data_dir is the named volume's mount, the keys file lives
  in it, and docker/Dockerfile copies each binary from where CMake builds it;
- the real provider is a matter of environment variables: the base URL,
  delivery and upstream token given in the environment reach the gateway;
- the `replicas` profile: both replicas on the postgres service's database
  with the password from the environment, distinct replica ids, one shared
  master key volume, one shared content volume, callbacks and gRPC through the nginx balancer, whose
  configuration names both replicas' ports.

    docker/check_compose.py --build-dir build
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.parse

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The binaries the images carry, by name, and where CMake builds them.
BINARIES = {
    "seedance-gateway": "server/seedance-gateway",
    "seedance-mock-upstream": "mock_upstream/seedance-mock-upstream",
    "seedance": "clients/cpp/seedance",
}

failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)


def compose_config(extra_env=None):
    """The file as docker-compose resolves it, in a clean environment."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    env.update(extra_env or {})
    result = subprocess.run(
        ["docker-compose", "-f", os.path.join(ROOT, "docker-compose.yml"), "config"],
        env=env, capture_output=True, text=True, check=False)
    check(result.returncode == 0, f"docker-compose config accepts the file {result.stderr.strip()}")
    return yaml.safe_load(result.stdout) if result.returncode == 0 else None


def flags_of(binary):
    """The flag names a binary accepts."""
    if os.path.basename(binary) == "seedance":
        text = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
        return set(re.findall(r"(--[a-z][a-z-]*)", text)) | {"--help"}
    text = subprocess.run([binary, "--helpfull"], capture_output=True, text=True).stdout
    return {"--" + name for name in re.findall(r"^\s+--([a-z_0-9]+) \(", text, re.M)}


def flag_values(args):
    """{"--flag": value} of "--flag=value" arguments."""
    return dict(a.split("=", 1) for a in args if a.startswith("--") and "=" in a)


def port_of(host_port):
    return int(host_port.rsplit(":", 1)[1])


def check_flags(service, args, binaries):
    name = os.path.basename(args[0])
    check(name in BINARIES, f"{service}: runs one of our binaries ({name})")
    if name not in BINARIES:
        return
    known = flags_of(binaries[name])
    check(len(known) > 5, f"{service}: read {name}'s flags")
    for arg in args[1:]:
        if arg.startswith("--"):
            flag = arg.split("=", 1)[0]
            check(flag in known, f"{service}: {name} has the flag {flag}")


def check_starts(binary, args, overrides, first_line):
    """Starts `binary` with the compose flags plus `overrides` (later flags
    win), and checks that it prints its first line, i.e. took every value."""
    process = subprocess.Popen([binary] + args + overrides, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            _, err = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
    check(re.match(first_line, line) is not None,
          f"{os.path.basename(binary)} starts with the compose flags ({line or err.strip()})")


# Services that run someone else's image.
THEIRS = {"postgres": "postgres:15-bookworm", "lb": "nginx:1.24-bookworm"}
REPLICAS = ["gateway-a", "gateway-b"]


def check_replicas(services, config, gw_flags, mock_port):
    """The replicas profile: one database, one key, one address."""
    pg = services["postgres"]
    check(pg.get("profiles") == ["replicas"], "postgres is under profiles: [replicas]")
    check(mounts_of(pg).get("/var/lib/postgresql/data") in config.get("volumes", {}),
          "postgres: its data is a named volume")
    nginx = open(os.path.join(ROOT, "docker", "nginx-replicas.conf")).read()
    lb = services["lb"]
    check(mounts_of(lb).get("/etc/nginx/nginx.conf", "").endswith("docker/nginx-replicas.conf"),
          "lb: runs docker/nginx-replicas.conf")
    ids, keys, data, content = set(), set(), set(), set()
    for name in REPLICAS:
        spec = services[name]
        flags = flag_values(spec["command"])
        check(spec.get("profiles") == ["replicas"], f"{name} is under profiles: [replicas]")
        store = urllib.parse.urlsplit(flags.get("--store", ""))
        check(store.scheme == "postgresql" and store.hostname == "postgres" and store.password is None,
              f"{name}: --store is the postgres service, without a password")
        check(spec["environment"].get("PGPASSWORD") == pg["environment"]["POSTGRES_PASSWORD"],
              f"{name}: PGPASSWORD is the database's password")
        check(spec["depends_on"]["postgres"]["condition"] == "service_healthy",
              f"{name}: waits for a healthy postgres")
        ids.add(flags.get("--replica_id"))
        key = flags.get("--master_key_file", "")
        mounts = mounts_of(spec)
        key_volume = mounts.get(os.path.dirname(key))
        check(key_volume in config.get("volumes", {}), f"{name}: --master_key_file is on a named volume")
        keys.add(key_volume)
        data.add(mounts.get(flags["--data_dir"]))
        content.add(mounts.get(flags.get("--content_dir")))
        check(flags["--listen"] == gw_flags["--listen"], f"{name}: listens as the gateway does")
        check(f"server {name}:{port_of(flags['--listen'])};" in nginx, f"lb: balances gRPC to {name}")
        check(f"server {name}:{port_of(flags['--callback_listen'])};" in nginx,
              f"lb: balances callbacks to {name}")
        callback = urllib.parse.urlsplit(flags["--callback_public_url"])
        check(callback.hostname == "lb" and f"listen {callback.port};" in nginx,
              f"{name}: callbacks go through the balancer")
        upstream = urllib.parse.urlsplit(flags["--upstream_base_url"])
        check(upstream.hostname == "mock-upstream" and upstream.port == mock_port,
              f"{name}: --upstream_base_url is the mock by default")
    check(len(ids) == len(REPLICAS) and None not in ids, "replicas: distinct --replica_id")
    check(len(keys) == 1, "replicas: one master key volume for all")
    check(len(data) == len(REPLICAS), "replicas: a data volume each")
    # Any replica serves a video another one fetched.
    check(len(content) == 1 and None not in content and content <= set(config.get("volumes", {})),
          "replicas: one shared named volume for --content_dir")
    grpc_lb = re.search(r"listen (\d+) http2;", nginx)
    check(grpc_lb is not None and any(p["target"] == int(grpc_lb.group(1)) for p in lb.get("ports", [])),
          "lb: its gRPC port is published")


def mounts_of(spec):
    """A service's mounts, target -> source, from "source:target[:mode]" or the long form."""
    mounts = {}
    for v in spec.get("volumes", []):
        if isinstance(v, str):
            source, target = v.split(":")[:2]
        else:
            source, target = v.get("source"), v["target"]
        mounts[target] = source
    return mounts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    build = os.path.abspath(parser.parse_args().build_dir)
    binaries = {name: os.path.join(build, path) for name, path in BINARIES.items()}

    config = compose_config()
    if config is None:
        return 1
    services = config["services"]
    check({"mock-upstream", "gateway", "client"} <= set(services), "services are there")
    check(services["client"].get("profiles") == ["client"], "client is under profiles: [client]")

    # Every service runs from the image docker/Dockerfile builds.
    dockerfile = open(os.path.join(ROOT, "docker", "Dockerfile")).read()
    check(re.search(r"^FROM debian:12 AS runtime", dockerfile, re.M) is not None,
          "the runtime image is Debian 12")
    for name, path in BINARIES.items():
        check(f"/src/build/{path}" in dockerfile, f"Dockerfile copies {name} from build/{path}")
    # One image, built once: one service builds it, every service runs it.
    builders = [service for service, spec in services.items() if "build" in spec]
    check(len(builders) == 1, f"one service builds the image (not {builders})")
    for service in builders:
        check(services[service]["build"]["dockerfile"] == "docker/Dockerfile",
              f"{service}: builds docker/Dockerfile")
    # Our services run our image; PostgreSQL and nginx their own Debian-based ones.
    ours = {service: spec for service, spec in services.items() if service not in THEIRS}
    images = {spec.get("image") for spec in ours.values()}
    check(len(images) == 1 and None not in images, f"every service of ours runs the one image ({images})")
    for service, image in THEIRS.items():
        check(services.get(service, {}).get("image") == image, f"{service}: runs {image}")
    for service, spec in services.items():
        check("healthcheck" in spec or service == "client", f"{service}: has a health check")

    mock, gateway, client = services["mock-upstream"], services["gateway"], services["client"]
    for service, spec in ours.items():
        check_flags(service, spec["command"], binaries)
        if "healthcheck" in spec and spec["healthcheck"]["test"][1] in BINARIES:
            check_flags(service + " health check", spec["healthcheck"]["test"][1:], binaries)

    # Ports.
    mock_flags = flag_values(mock["command"])
    mock_port = int(mock_flags["--port"])
    check(mock_flags.get("--address") == "0.0.0.0", "mock listens on all interfaces")
    check(any(p["target"] == mock_port for p in mock.get("ports", [])), "mock: --port is published")
    check(f":{mock_port}/" in " ".join(mock["healthcheck"]["test"]), "mock: health check on --port")
    public = urllib.parse.urlsplit(mock_flags["--public_base_url"])
    check(public.hostname == "mock-upstream" and public.port == mock_port,
          "mock: --public_base_url is the mock's name and port")

    gw_flags = flag_values(gateway["command"])
    grpc_port = port_of(gw_flags["--listen"])
    check(gw_flags["--listen"].startswith("0.0.0.0:"), "gateway listens on all interfaces")
    check(any(p["target"] == grpc_port for p in gateway.get("ports", [])), "gateway: --listen is published")
    health = flag_values(gateway["healthcheck"]["test"][1:])
    check(port_of(health["--gateway"]) == grpc_port, "gateway: health check on --listen's port")
    upstream = urllib.parse.urlsplit(gw_flags["--upstream_base_url"])
    check(upstream.hostname == "mock-upstream" and upstream.port == mock_port,
          "gateway: --upstream_base_url is the mock by default")
    callback = urllib.parse.urlsplit(gw_flags["--callback_public_url"])
    check(callback.hostname == "gateway" and callback.port == port_of(gw_flags["--callback_listen"]),
          "gateway: --callback_public_url reaches --callback_listen")
    check(gateway["depends_on"]["mock-upstream"]["condition"] == "service_healthy",
          "gateway waits for a healthy mock")
    target = client["environment"]["SEEDANCE_GATEWAY"]
    check(target == f"gateway:{grpc_port}", "client: SEEDANCE_GATEWAY is the gateway's port")

    # Paths: the task store is the named volume.
    data_dir = gw_flags["--data_dir"]
    mounts = mounts_of(gateway)
    check(mounts.get(data_dir) in config.get("volumes", {}), "gateway: --data_dir is a named volume")
    # The client's video lands in a host directory the user can open.
    client_flags = flag_values(client["command"])
    client_mounts = mounts_of(client)
    output_dir = os.path.dirname(client_flags.get("--output", ""))
    check(output_dir in client_mounts and client_mounts[output_dir].startswith("/"),
          "client: --output is in a bind-mounted host directory")
    check(gw_flags["--client_keys_file"].startswith(data_dir + "/"),
          "gateway: --client_keys_file lives in the data volume")

    check_replicas(services, config, gw_flags, mock_port)

    # The flags' values: the real binaries start with them.
    with tempfile.TemporaryDirectory() as data:
        check_starts(binaries["seedance-mock-upstream"], mock["command"][1:],
                     ["--address=127.0.0.1", "--port=0"], r"^\d+$")
        check_starts(binaries["seedance-gateway"], gateway["command"][1:],
                     ["--listen=127.0.0.1:0", "--callback_listen=127.0.0.1:0",
                      f"--data_dir={data}"], r"^grpc_port=\d+$")

    # The real provider: environment variables only.
    real = compose_config({"SEEDANCE_UPSTREAM_BASE_URL": "https://provider.example",
                           "SEEDANCE_UPSTREAM_TOKEN": "provider-token",
                           "SEEDANCE_DELIVERY": "hold", "SEEDANCE_TOKEN": "caller-token"})
    if real is not None:
        flags = flag_values(real["services"]["gateway"]["command"])
        check(flags["--upstream_base_url"] == "https://provider.example",
              "SEEDANCE_UPSTREAM_BASE_URL sets the gateway's upstream")
        check(flags["--delivery"] == "hold", "SEEDANCE_DELIVERY sets the delivery")
        check(real["services"]["gateway"]["environment"]["SEEDANCE_UPSTREAM_TOKEN"] == "provider-token",
              "SEEDANCE_UPSTREAM_TOKEN reaches the gateway")
        check(real["services"]["client"]["environment"]["SEEDANCE_TOKEN"] == "caller-token",
              "SEEDANCE_TOKEN reaches the client")

    print(f"{len(failures)} failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
