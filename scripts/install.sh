#!/usr/bin/env bash
# Installs vmaggregator as a system service (docs/operations.md):
#   PREFIX/bin/aggregator          the server (the binary it replaces is kept as aggregator.previous)
#   CONFIG_DIR/backends.yaml       the configuration, never overwritten (a newer one goes beside it as .new)
#   CONFIG_DIR/aggregator.env      secrets for password_env, mode 0600, never overwritten
#   DATA_DIR                       job database, trusted CA files, exports (jobs.sqlite is copied to
#                                  DATA_DIR/backup before a different binary is installed)
#   /etc/systemd/system            aggregator.service, aggregator-export@.service and .timer
# Safe to run again (that is how an upgrade is done). Starts and enables nothing without --enable.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/install.sh [options]

  --prefix DIR        install the binary to DIR/bin (default /usr/local)
  --config-dir DIR    configuration and secrets (default /etc/vmaggregator)
  --data-dir DIR      job database, trusted CA files, exports (default /var/lib/vmaggregator)
  --no-build          do not build; install the binary given with --binary
  --binary PATH       the aggregator binary to install (implies --no-build)
  --no-systemd        install no systemd units and create no service user
  --destdir DIR       stage everything under DIR (for packaging and tests); needs no root,
                      creates no user, changes no ownership and reloads nothing
  --enable            enable aggregator.service and (re)start it once the configuration checks out
  -h, --help          this text

By default it builds `swift build -c release --product aggregator --static-swift-stdlib` in
this checkout (as the user who ran sudo), then installs. Run it as root, or with --destdir.
EOF
}

die() {
    echo "install.sh: $*" >&2
    exit 1
}

say() { echo "  $*"; }

prefix=/usr/local
config_dir=/etc/vmaggregator
data_dir=/var/lib/vmaggregator
destdir=""
build=1
binary=""
use_systemd=1
enable=0
service_user=vmaggregator
default_data_dir=/var/lib/vmaggregator

value_of() { # option value: the value, or die when it is missing
    if [ $# -lt 2 ] || [ -z "$2" ] || [ "${2#--}" != "$2" ]; then
        die "$1 needs a value (see --help)"
    fi
    printf '%s' "$2"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=$(value_of "$@"); shift 2 ;;
        --prefix=*) prefix=${1#*=}; shift ;;
        --config-dir) config_dir=$(value_of "$@"); shift 2 ;;
        --config-dir=*) config_dir=${1#*=}; shift ;;
        --data-dir) data_dir=$(value_of "$@"); shift 2 ;;
        --data-dir=*) data_dir=${1#*=}; shift ;;
        --destdir) destdir=$(value_of "$@"); shift 2 ;;
        --destdir=*) destdir=${1#*=}; shift ;;
        --binary) binary=$(value_of "$@"); build=0; shift 2 ;;
        --binary=*) binary=${1#*=}; build=0; shift ;;
        --no-build) build=0; shift ;;
        --no-systemd) use_systemd=0; shift ;;
        --enable) enable=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Paths end up in systemd units and sed expressions: keep them plain.
for path in "$prefix" "$config_dir" "$data_dir"; do
    [[ "$path" == /* ]] || die "'$path' is not an absolute path"
    [[ "$path" =~ ^[A-Za-z0-9._/-]+$ ]] || die "'$path': use only letters, digits, '.', '_', '-' and '/'"
done
prefix=${prefix%/}
config_dir=${config_dir%/}
data_dir=${data_dir%/}
[ -n "$prefix" ] || prefix=/
if [ "$build" -eq 0 ] && [ -z "$binary" ]; then
    die "--no-build needs --binary PATH"
fi
if [ "$enable" -eq 1 ] && { [ "$use_systemd" -eq 0 ] || [ -n "$destdir" ]; }; then
    die "--enable starts the systemd service: it cannot be combined with --no-systemd or --destdir"
fi
if [ -n "$destdir" ]; then
    mkdir -p "$destdir"
    destdir=$(cd "$destdir" && pwd)
    [ "$destdir" != / ] || destdir=""
fi
# Ownership is only set on a real install by root.
set_owner=0
if [ -z "$destdir" ]; then
    [ "$(id -u)" -eq 0 ] || die "run as root (sudo $0 ...), or stage into a directory with --destdir DIR"
    set_owner=1
fi
systemd_running=0
if [ -z "$destdir" ] && [ "$use_systemd" -eq 1 ] && [ -d /run/systemd/system ]; then
    systemd_running=1
fi
if [ "$enable" -eq 1 ] && [ "$systemd_running" -eq 0 ]; then
    die "--enable needs a running systemd (/run/systemd/system is missing)"
fi

bin_dir="$destdir$prefix/bin"
[ "$prefix" != / ] || bin_dir="$destdir/bin"
target="$bin_dir/aggregator"
conf="$destdir$config_dir"
data="$destdir$data_dir"
unit_dir="$destdir/etc/systemd/system"
doc_dir="$destdir${prefix%/}/share/doc/vmaggregator"

# --- build -------------------------------------------------------------------------------------

# Runs a command as the user who called sudo and owns the checkout, so the build tree stays theirs.
as_builder() {
    if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ] \
        && [ "$(stat -c %U "$repo")" = "$SUDO_USER" ]; then
        runuser -u "$SUDO_USER" -- "$@"
    else
        "$@"
    fi
}

if [ "$build" -eq 1 ]; then
    command -v swift >/dev/null 2>&1 || die "swift is not in PATH (sudo resets PATH: run
  sudo env PATH=\"\$PATH\" $0 ...
or build first and install that binary:
  swift build -c release --product aggregator --static-swift-stdlib
  sudo $0 --binary \"\$(swift build -c release --show-bin-path)/aggregator\")"
    echo "Building aggregator (release, Swift runtime linked in)..."
    # The Swift runtime is linked statically: the installed binary must not depend on the
    # toolchain's directory, which may be a home directory the service cannot read.
    (cd "$repo" && as_builder swift build -c release --product aggregator --static-swift-stdlib)
    binary="$(cd "$repo" && as_builder swift build -c release --show-bin-path)/aggregator"
fi
if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then
    die "$binary is not an executable file"
fi
"$binary" --help >/dev/null 2>&1 || die "$binary does not run here (missing shared libraries? try: ldd $binary)"

echo "Installing vmaggregator${destdir:+ into $destdir}:"

# --- user --------------------------------------------------------------------------------------

if [ "$set_owner" -eq 1 ] && [ "$use_systemd" -eq 1 ] && ! getent passwd "$service_user" >/dev/null; then
    getent group "$service_user" >/dev/null || groupadd --system "$service_user"
    nologin=$(command -v nologin || echo /usr/sbin/nologin)
    useradd --system --gid "$service_user" --no-create-home --home-dir /nonexistent \
        --shell "$nologin" --comment "vmaggregator service" "$service_user"
    say "created system user $service_user"
fi
owner=""
if [ "$set_owner" -eq 1 ] && getent passwd "$service_user" >/dev/null; then
    owner=$service_user
fi

# install(1) with ownership only where it can be set.
put() { # mode user group source target
    local mode=$1 user=$2 group=$3 source=$4 file=$5
    if [ "$set_owner" -eq 1 ]; then
        install -m "$mode" -o "$user" -g "$group" "$source" "$file"
    else
        install -m "$mode" "$source" "$file"
    fi
}
make_dir() { # mode user group directory
    local mode=$1 user=$2 group=$3 dir=$4
    if [ "$set_owner" -eq 1 ]; then
        install -d -m "$mode" -o "$user" -g "$group" "$dir"
    else
        install -d -m "$mode" "$dir"
    fi
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# --- directories -------------------------------------------------------------------------------

mkdir -p "$bin_dir"
make_dir 0750 root "${owner:-root}" "$conf"
make_dir 0750 "${owner:-root}" "${owner:-root}" "$data"
make_dir 0750 "${owner:-root}" "${owner:-root}" "$data/export"
if [ -n "$owner" ]; then
    # After `aggregator trust` run as root, the CA files belong to root: give them back.
    chown -R "$owner:$owner" "$data"
fi

# --- job database backup and binary ------------------------------------------------------------

service_active() {
    [ "$systemd_running" -eq 1 ] && systemctl is-active --quiet aggregator.service
}

# A consistent copy of the job database, even while the server writes to it.
backup_database() {
    local database=$data/jobs.sqlite
    [ -f "$database" ] || return 0
    local copy
    copy="$data/backup/jobs-$(date -u +%Y%m%dT%H%M%SZ).sqlite"
    make_dir 0700 "${owner:-root}" "${owner:-root}" "$data/backup"
    (
        umask 077
        if command -v sqlite3 >/dev/null 2>&1; then
            sqlite3 "$database" ".backup '$copy'"
        elif command -v python3 >/dev/null 2>&1 && python3 -c 'import sqlite3' 2>/dev/null; then
            python3 - "$database" "$copy" <<'PY'
import sqlite3, sys
source = sqlite3.connect(sys.argv[1], timeout=30)
target = sqlite3.connect(sys.argv[2])
source.backup(target)
target.close()
source.close()
PY
        else
            if service_active; then
                echo "  warning: neither sqlite3 nor python3 is installed; copying jobs.sqlite while the" >&2
                echo "  server runs may catch a write half done (apt-get install sqlite3 for a safe copy)" >&2
            fi
            cp -p "$database" "$copy"
        fi
    ) || die "could not back up $database; nothing was installed"
    [ -z "$owner" ] || chown "$owner:$owner" "$copy"
    chmod 0600 "$copy"
    say "job database copied to ${copy#"$destdir"} (restore it if you roll back)"
}

binary_changed=0
if [ -e "$target" ] && cmp -s "$binary" "$target"; then
    say "${target#"$destdir"}: unchanged"
else
    if [ -e "$target" ]; then
        backup_database
        # The running process keeps its own copy; the file name moves to .previous for rollback.
        ln -f "$target" "$target.previous" 2>/dev/null || cp -pf "$target" "$target.previous"
        say "${target#"$destdir"}.previous: the binary it replaces (for rollback)"
    fi
    # A new file renamed over the old one: a running server and a restart never see half a binary.
    put 0755 root root "$binary" "$target.new"
    mv -f "$target.new" "$target"
    say "${target#"$destdir"}: installed"
    binary_changed=1
fi

# --- configuration -----------------------------------------------------------------------------

# The shipped configuration, with data_dir pointing at the data directory.
awk -v dir="$data_dir" '
    !done && /^server:/ {
        print "# Job database and trusted CA certificates (aggregator trust). The service unit passes"
        print "# the same directory with --data-dir."
        print "data_dir: " dir
        print ""
        done = 1
    }
    { print }
    END {
        if (!done) { print ""; print "data_dir: " dir }
    }' "$repo/backends.yaml" > "$scratch/backends.yaml"

config_file=$conf/backends.yaml
fresh_config=0
if [ ! -e "$config_file" ]; then
    fresh_config=1
    put 0640 root "${owner:-root}" "$scratch/backends.yaml" "$config_file"
    say "${config_file#"$destdir"}: installed (edit it: your engines, auth tokens)"
elif cmp -s "$scratch/backends.yaml" "$config_file"; then
    say "${config_file#"$destdir"}: unchanged"
else
    put 0640 root "${owner:-root}" "$scratch/backends.yaml" "$config_file.new"
    say "${config_file#"$destdir"}: kept as it is; this version's default is beside it as backends.yaml.new"
fi
if [ -n "$owner" ]; then
    # The service reads it through its group (`aggregator trust` run as root rewrites it as root:root).
    chgrp "$owner" "$config_file"
fi

env_file=$conf/aggregator.env
if [ ! -e "$env_file" ]; then
    cat > "$scratch/aggregator.env" <<'EOF'
# Secrets of the vmaggregator service. systemd reads this file (EnvironmentFile=) for
# aggregator.service and aggregator-export@.service; keep it mode 0600, owned by the service user.
# One NAME=value per line, no spaces around "=". A value with spaces, quotes, "\" or "$" goes
# in single quotes: NAME='value'. Comments are whole lines: text after a value belongs to it.
# Restart the service after a change.
#
# The engines' password, for every engine that uses `password_env: OVIRT_PASSWORD`
# (the shipped backends.yaml sets it under defaults):
#OVIRT_PASSWORD=
#
# An engine with its own variable (password_env: E15_PASSWORD in its entry):
#E15_PASSWORD=
#
# An API token digest given with sha256_env (auth.tokens):
#CI_PIPELINE_TOKEN_SHA256=
EOF
    put 0600 "${owner:-root}" "${owner:-root}" "$scratch/aggregator.env" "$env_file"
    say "${env_file#"$destdir"}: installed, mode 0600 (put the engines' password in it)"
else
    mode=$(stat -c %a "$env_file")
    if [ "$mode" != 600 ] && [ "$mode" != 400 ]; then
        chmod 0600 "$env_file"
        say "${env_file#"$destdir"}: was mode $mode, now 0600 (it holds secrets)"
    else
        say "${env_file#"$destdir"}: kept"
    fi
fi

# --- documentation -----------------------------------------------------------------------------

mkdir -p "$doc_dir"
install -m 0644 "$repo/docs/operations.md" "$repo/README.md" "$doc_dir/"
install -m 0644 "$repo/backends.yaml" "$doc_dir/backends.yaml.example"

# --- systemd units -----------------------------------------------------------------------------

units_changed=0
if [ "$use_systemd" -eq 1 ]; then
    mkdir -p "$unit_dir"
    for unit in aggregator.service aggregator-export@.service aggregator-export@.timer; do
        sed_args=(
            -e "s|/usr/local/bin/aggregator|${bin_dir#"$destdir"}/aggregator|g"
            -e "s|/usr/local/share/doc/vmaggregator|${doc_dir#"$destdir"}|g"
            -e "s|/etc/vmaggregator|$config_dir|g"
        )
        if [ "$data_dir" != "$default_data_dir" ]; then
            # StateDirectory= is for /var/lib/vmaggregator; elsewhere the directory is made writable.
            sed_args+=(
                -e "s|^StateDirectory=vmaggregator/export\$|ReadWritePaths=$data_dir/export|"
                -e "s|^StateDirectory=vmaggregator\$|ReadWritePaths=$data_dir|"
                -e "/^StateDirectoryMode=/d"
            )
        fi
        sed_args+=(-e "s|/var/lib/vmaggregator|$data_dir|g")
        sed "${sed_args[@]}" "$repo/contrib/systemd/$unit" > "$scratch/$unit"
        if [ -e "$unit_dir/$unit" ] && cmp -s "$scratch/$unit" "$unit_dir/$unit"; then
            say "${unit_dir#"$destdir"}/$unit: unchanged"
        else
            install -m 0644 "$scratch/$unit" "$unit_dir/$unit"
            say "${unit_dir#"$destdir"}/$unit: installed"
            units_changed=1
        fi
    done
    if [ "$systemd_running" -eq 1 ] && [ "$units_changed" -eq 1 ]; then
        systemctl daemon-reload
        say "systemctl daemon-reload: done"
    fi
fi

# --- check -------------------------------------------------------------------------------------

# Loads NAME=value lines of an environment file as systemd reads them: unquoted values lose
# their backslashes, 'single-quoted' ones are literal, "double-quoted" ones unescape \" \\ \` \$.
load_env_file() {
    local line name value text i c
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line#"${line%%[![:space:]]*}"}
        case "$line" in '' | '#'* | ';'*) continue ;; esac
        line=${line#export }
        name=${line%%=*}
        name=${name%"${name##*[![:space:]]}"}
        [[ "$line" == *=* && "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
        text=${line#*=}
        text=${text#"${text%%[![:space:]]*}"}
        value=""
        if [[ "$text" == \'*\' && ${#text} -ge 2 ]]; then
            value=${text:1:${#text}-2}
        elif [[ "$text" == \"*\" && ${#text} -ge 2 ]]; then
            text=${text:1:${#text}-2}
            for ((i = 0; i < ${#text}; i++)); do
                c=${text:i:1}
                if [ "$c" = "\\" ] && [[ "${text:i+1:1}" == [\"\\\`\$] ]]; then
                    i=$((i + 1))
                    c=${text:i:1}
                fi
                value+=$c
            done
        else
            text=${text%"${text##*[![:space:]]}"}
            for ((i = 0; i < ${#text}; i++)); do
                c=${text:i:1}
                if [ "$c" = "\\" ] && [ $((i + 1)) -lt ${#text} ]; then
                    i=$((i + 1))
                    c=${text:i:1}
                fi
                value+=$c
            done
        fi
        export "$name=$value"
    done < "$1"
}

echo
echo "Checking the configuration as the service will read it:"
config_path=$config_file
set +e
(
    # Only what the service gets: the environment file, not this shell's variables.
    for name in $(compgen -e); do
        case "$name" in PATH | LANG | LC_* | TERM) ;; *) unset "$name" 2>/dev/null ;; esac
    done
    [ ! -r "$env_file" ] || load_env_file "$env_file"
    if [ -n "$owner" ]; then
        cd / && exec runuser -u "$owner" -- "$target" check-config --config "$config_path"
    fi
    exec "$target" check-config --config "$config_path"
) 2>&1 | sed 's/^/  /'
check=${PIPESTATUS[0]}
set -e

shown_config=${config_file#"$destdir"}
shown_env=${env_file#"$destdir"}
shown_bin=${target#"$destdir"}
if [ "$check" -ne 0 ]; then
    echo "  The configuration is not ready yet (see above); the service would not start with it."
    if grep -q '/run/credentials/' "$config_file"; then
        echo "  (Password files under /run/credentials/ exist only while the service runs: see"
        echo "  docs/operations.md, \"Secrets\".)"
    fi
fi

if [ "$enable" -eq 1 ]; then
    [ "$check" -eq 0 ] || die "not enabling aggregator.service: fix the configuration first, then run again"
    systemctl enable --quiet aggregator.service
    systemctl restart aggregator.service
    say "aggregator.service enabled and (re)started; journalctl -u aggregator shows its log"
fi

echo
echo "Next:"
if [ -n "$destdir" ]; then
    echo "  Staged under $destdir. A package also creates the system user and group '$service_user'"
    echo "  and gives it $data_dir and $config_dir/aggregator.env."
fi
if [ "$fresh_config" -eq 1 ] || [ "$check" -ne 0 ]; then
    cat <<EOF
  1. Edit $shown_config: the engines under backends:, server.host, and the API tokens
     under auth.tokens ($shown_bin token new NAME --role reader|operator|admin prints the lines).
  2. Put the engines' password in $shown_env (OVIRT_PASSWORD='...'),
     or use LoadCredential= (docs/operations.md, "Secrets").
  3. For each engine with its own CA:  $shown_bin trust ENGINE --config $shown_config
EOF
    if [ "$use_systemd" -eq 1 ]; then
        cat <<EOF
     then:  chgrp $service_user $shown_config && chown -R $service_user: $data_dir/ca
  4. Check again, logging in to every engine, as the service would:
       systemd-run --quiet --wait --pipe -p User=$service_user -p EnvironmentFile=$shown_env \\
           $shown_bin check-config --probe --config $shown_config
  5. Start it:  systemctl enable --now aggregator    (log: journalctl -u aggregator)
     Health:    curl -s http://127.0.0.1:6299/health ; curl -s http://127.0.0.1:6299/ready
  6. Exports (the old cron getters), hourly into $data_dir/export/:
       systemctl enable --now aggregator-export@vms.timer aggregator-export@hosts.timer aggregator-export@clusters.timer
EOF
    else
        cat <<EOF
  4. Check again, logging in to every engine, with the variables of $shown_env exported:
       $shown_bin check-config --probe --config $shown_config
  5. Start it the same way:  $shown_bin serve --config $shown_config --data-dir $data_dir
EOF
    fi
elif [ "$binary_changed" -eq 1 ] && [ "$enable" -eq 0 ] && service_active; then
    echo "  aggregator.service still runs the previous binary: systemctl restart aggregator"
    echo "  (the job database migrates forward on start; rollback: docs/operations.md)."
elif [ "$systemd_running" -eq 1 ] && ! service_active; then
    echo "  Start it:  systemctl enable --now aggregator    (log: journalctl -u aggregator)"
else
    echo "  Nothing: the configuration checks out."
fi
