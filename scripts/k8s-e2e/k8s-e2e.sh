#!/usr/bin/env bash
# A real Kubernetes API server for the end-to-end tests: kube-apiserver v1.20 built from Debian's `kubernetes`
# source package, on Debian's etcd-server, both listening on 127.0.0.1 only. See the README, "End-to-end tests".
#
#   k8s-e2e.sh up                 build kube-apiserver if it is not cached yet, then start etcd and kube-apiserver
#                                 (fresh etcd data), wait until /readyz answers, write the kubeconfigs
#   k8s-e2e.sh down               stop kube-apiserver and etcd (by the PIDs recorded at start)
#   k8s-e2e.sh env                print the variables the e2e tests read (eval "$(k8s-e2e.sh env)")
#   k8s-e2e.sh status             what runs, where, and the files
#   k8s-e2e.sh logs               the last lines of every log
#   k8s-e2e.sh check-manifests    kubectl apply --dry-run=server of every manifest in examples/kubernetes against
#                                 the running server; promtool's check and unit tests of the alert rules
#   k8s-e2e.sh build              only build (or find) the cached kube-apiserver binary, print its path
#   k8s-e2e.sh stop-apiserver     stop kube-apiserver, keep etcd (and so every object) running
#   k8s-e2e.sh start-apiserver    start kube-apiserver again on the same port, wait for /readyz
#   k8s-e2e.sh restart-apiserver  both
#   k8s-e2e.sh clean              down, then remove the state directory (keeps the cached binary)
#
# The binary is built once per machine and Debian package version, and cached outside the clone in
# ${XDG_CACHE_HOME:-~/.cache}/camel-k8s-leader/kube-apiserver-<version>/ (override: K8S_E2E_CACHE). The first
# build takes 6-8 minutes on 2 cores, 1.3 GB of memory and 2 GB of disk, which are freed afterwards.
# The running server's files (certificates, tokens, kubeconfigs, PIDs, etcd data, logs) are in K8S_E2E_DIR,
# by default .k8s-e2e/ at the root of the clone.
#
# Needs a Debian bookworm machine and root, for apt-get; it installs what is missing: etcd-server, openssl, curl,
# kubernetes-client (kubectl), for check-manifests prometheus (promtool) and, for the build, golang-go, make, rsync
# and dpkg-dev.
set -euo pipefail

SCRIPT_PATH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
REPO_DIR=$(cd "$(dirname "$SCRIPT_PATH")/../.." && pwd)
STATE_DIR=${K8S_E2E_DIR:-$REPO_DIR/.k8s-e2e}
CACHE_ROOT=${K8S_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/camel-k8s-leader}
READY_TIMEOUT=${K8S_E2E_READY_TIMEOUT:-90}
STOP_TIMEOUT=${K8S_E2E_STOP_TIMEOUT:-20}

PKI=$STATE_DIR/pki
LOGS=$STATE_DIR/logs
PORTS_FILE=$STATE_DIR/ports.env
TOKENS_FILE=$STATE_DIR/tokens.csv
ADMIN_KUBECONFIG=$STATE_DIR/admin.kubeconfig
RESTRICTED_KUBECONFIG=$STATE_DIR/restricted.kubeconfig
ETCD_PID_FILE=$STATE_DIR/etcd.pid
APISERVER_PID_FILE=$STATE_DIR/kube-apiserver.pid
ETCD_DATA=$STATE_DIR/etcd-data
ETCD_LOG=$LOGS/etcd.log
APISERVER_LOG=$LOGS/kube-apiserver.log
ADMIN_USER=e2e-admin
RESTRICTED_USER=e2e-restricted

log() { printf '[k8s-e2e] %s\n' "$*" >&2; }
die() { printf '[k8s-e2e] ERROR: %s\n' "$*" >&2; exit 1; }

# ---- packages -------------------------------------------------------------------------------------------------

APT_UPDATED=false
apt_update_once() {
    if [[ $APT_UPDATED == false ]]; then
        log "apt-get update"
        apt-get update -qq >&2
        APT_UPDATED=true
    fi
}

# need_commands "command:package" ...: installs the packages of the commands that are missing.
need_commands() {
    local missing=() pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
    done
    if ((${#missing[@]})); then
        [[ $(id -u) == 0 ]] || die "missing ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root"
        apt_update_once
        log "apt-get install ${missing[*]}"
        local out policy=/usr/sbin/policy-rc.d made_policy=false status=0
        out=$(mktemp)
        # etcd-server comes with a system service: keep apt from starting one on its default ports (this script
        # starts its own etcd, and stops only what it started)
        if [[ ! -e $policy ]]; then
            printf '#!/bin/sh\nexit 101\n' >"$policy"
            chmod +x "$policy"
            made_policy=true
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >"$out" 2>&1 \
            || status=$?
        [[ $made_policy == false ]] || rm -f "$policy"
        if ((status != 0)); then
            tail -n 30 "$out" >&2
            rm -f "$out"
            die "apt-get install ${missing[*]} failed"
        fi
        rm -f "$out"
    fi
}

# The Debian version of the `kubernetes` source package, read from its binary package kubernetes-client: the
# cache key of the binary, and the version `apt-get source` fetches.
kubernetes_version() {
    local version
    version=$(apt-cache policy kubernetes-client 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [[ -z $version || $version == "(none)" ]]; then
        apt_update_once
        version=$(apt-cache policy kubernetes-client 2>/dev/null | awk '/Candidate:/ {print $2}')
    fi
    [[ -n $version && $version != "(none)" ]] || die "no Debian package kubernetes-client in the apt sources: this needs Debian bookworm's main archive"
    printf '%s\n' "$version"
}

# ---- build ----------------------------------------------------------------------------------------------------

cached_binary_path() {
    local version
    version=$(kubernetes_version)
    printf '%s/kube-apiserver-%s/kube-apiserver\n' "$CACHE_ROOT" "${version//[:\/]/_}"
}

# Prints the path of the cached kube-apiserver binary, building it first if needed.
ensure_binary() {
    local binary version
    if [[ -n ${K8S_E2E_APISERVER_BINARY:-} ]]; then
        [[ -x $K8S_E2E_APISERVER_BINARY ]] || die "K8S_E2E_APISERVER_BINARY=$K8S_E2E_APISERVER_BINARY is not executable"
        printf '%s\n' "$K8S_E2E_APISERVER_BINARY"
        return
    fi
    binary=$(cached_binary_path)
    if [[ -x $binary ]]; then
        printf '%s\n' "$binary"
        return
    fi
    mkdir -p "$CACHE_ROOT"
    # one build per machine: a second caller waits for the first, then finds the binary
    exec 9>"$CACHE_ROOT/build.lock"
    if ! flock -n 9; then
        log "another build of kube-apiserver is running; waiting for it"
        flock 9
    fi
    if [[ ! -x $binary ]]; then
        version=$(kubernetes_version)
        build_binary "$version" "$binary"
    fi
    flock -u 9
    exec 9>&-
    printf '%s\n' "$binary"
}

SRC_LIST=""
BUILD_DIR=""
cleanup_build() {
    if [[ -n $SRC_LIST && -f $SRC_LIST ]]; then
        rm -f "$SRC_LIST"
        log "removed the temporary deb-src entry; apt-get update"
        apt-get update -qq >&2 || log "apt-get update failed; run it by hand"
    fi
    if [[ -n $BUILD_DIR && -d $BUILD_DIR ]]; then
        rm -rf "$BUILD_DIR"
    fi
}

# Writes a sources file enabling deb-src for the machine's Debian archives.
write_deb_src_list() {
    local target=$1
    if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
        sed -E 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$target.sources"
        SRC_LIST=$target.sources
    elif [[ -f /etc/apt/sources.list ]] && grep -qE '^deb ' /etc/apt/sources.list; then
        grep -E '^deb ' /etc/apt/sources.list | sed -E 's/^deb /deb-src /' >"$target.list"
        SRC_LIST=$target.list
    else
        die "cannot find the Debian apt sources (/etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list)"
    fi
}

build_binary() {
    local version=$1 binary=$2 src started go_version
    [[ $(id -u) == 0 ]] || die "building kube-apiserver needs root (apt-get source, apt-get install); or set K8S_E2E_APISERVER_BINARY"
    need_commands go:golang-go make:make rsync:rsync dpkg-source:dpkg-dev
    go_version=$(go version)
    started=$(date +%s)
    log "building kube-apiserver from Debian's kubernetes $version with $go_version (6-8 minutes on 2 cores)"
    BUILD_DIR=$(mktemp -d "$CACHE_ROOT/build.XXXXXX")
    trap cleanup_build EXIT
    local build_log=$BUILD_DIR/build.log

    # 1. the source package, through a deb-src entry that exists only for this step
    write_deb_src_list /etc/apt/sources.list.d/camel-k8s-leader-e2e-src
    log "apt-get update (with a temporary deb-src entry) and apt-get source kubernetes=$version"
    apt-get update -qq >&2
    (cd "$BUILD_DIR" && apt-get source -qq "kubernetes=$version") >"$build_log" 2>&1 \
        || { tail -n 30 "$build_log" >&2; die "apt-get source kubernetes=$version failed"; }
    rm -f "$SRC_LIST"
    apt-get update -qq >&2
    SRC_LIST=""
    src=$(find "$BUILD_DIR" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n 1)
    [[ -n $src && -d $src/vendor ]] || die "the kubernetes source tree (with vendor/) is not in $BUILD_DIR"

    # 2. Go >= 1.18 breaks the vendored reflect2 v1.0.1 (a nil-pointer panic when the server decodes JSON maps):
    #    use Debian's reflect2 and json-iterator (which goes with it) instead
    log "replacing vendored modern-go/reflect2 and json-iterator/go with Debian's packages"
    (cd "$BUILD_DIR" && apt-get download -qq golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev) \
        >>"$build_log" 2>&1 || { tail -n 30 "$build_log" >&2; die "apt-get download of the Go libraries failed"; }
    mkdir -p "$BUILD_DIR/golibs"
    local deb
    for deb in "$BUILD_DIR"/golang-github-*.deb; do
        dpkg -x "$deb" "$BUILD_DIR/golibs"
    done
    replace_vendored "$src/vendor/github.com/modern-go/reflect2" \
        "$BUILD_DIR/golibs/usr/share/gocode/src/github.com/modern-go/reflect2"
    replace_vendored "$src/vendor/github.com/json-iterator/go" \
        "$BUILD_DIR/golibs/usr/share/gocode/src/github.com/json-iterator/go"

    # 3. v1.20 builds in GOPATH mode and generates its OpenAPI code in make: `go build` alone does not work
    log "make WHAT=cmd/kube-apiserver (log: $build_log)"
    if ! (cd "$src" && CGO_ENABLED=0 GOPROXY=off GO111MODULE=off GOFLAGS="" GOCACHE="$BUILD_DIR/gocache" \
        make WHAT=cmd/kube-apiserver) >>"$build_log" 2>&1; then
        tail -n 40 "$build_log" >&2
        die "the kube-apiserver build failed; the full log is $build_log (kept: remove $BUILD_DIR when done)"
    fi
    [[ -x $src/_output/bin/kube-apiserver ]] || die "the build did not produce _output/bin/kube-apiserver"

    mkdir -p "$(dirname "$binary")"
    install -m 0755 "$src/_output/bin/kube-apiserver" "$binary.tmp"
    mv "$binary.tmp" "$binary"
    printf 'kubernetes %s\n%s\nbuilt %s in %ss\n' "$version" "$go_version" "$(date -u +%FT%TZ)" \
        "$(($(date +%s) - started))" >"$(dirname "$binary")/BUILD-INFO"
    log "built $binary in $(($(date +%s) - started)) s"
    cleanup_build
    BUILD_DIR=""
    trap - EXIT
}

# Replaces the Go sources (not the tests) of one vendored package with those of Debian's package.
replace_vendored() {
    local vendored=$1 debian=$2
    [[ -d $vendored ]] || die "no vendored package $vendored"
    [[ -d $debian ]] || die "Debian's package has no $debian"
    find "$vendored" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) ! -name '*_test.go' -delete
    find "$debian" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) ! -name '*_test.go' \
        -exec cp {} "$vendored/" \;
}

# ---- certificates, tokens, kubeconfigs ------------------------------------------------------------------------

random_token() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

ensure_credentials() {
    mkdir -p "$PKI" "$LOGS"
    chmod 700 "$STATE_DIR"
    if [[ ! -f $PKI/ca.crt || ! -f $PKI/apiserver.crt || ! -f $PKI/sa.key ]]; then
        log "generating a CA, the serving certificate (127.0.0.1) and the service-account keys"
        openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=camel-k8s-leader-e2e-ca" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -keyout "$PKI/ca.key" -out "$PKI/ca.crt" 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=kube-apiserver" \
            -keyout "$PKI/apiserver.key" -out "$PKI/apiserver.csr" 2>/dev/null
        printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1" \
            "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
            "extendedKeyUsage=serverAuth" >"$PKI/apiserver.ext"
        openssl x509 -req -sha256 -days 3650 -in "$PKI/apiserver.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
            -CAcreateserial -extfile "$PKI/apiserver.ext" -out "$PKI/apiserver.crt" 2>/dev/null
        openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
        openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
        chmod 600 "$PKI"/*.key
        rm -f "$TOKENS_FILE"
    fi
    if [[ ! -f $TOKENS_FILE ]]; then
        # token,user,uid,"groups": an administrator, and a user with no permission but what RBAC grants it
        printf '%s,%s,%s,"system:masters"\n%s,%s,%s\n' "$(random_token)" "$ADMIN_USER" "$ADMIN_USER" \
            "$(random_token)" "$RESTRICTED_USER" "$RESTRICTED_USER" >"$TOKENS_FILE"
        chmod 600 "$TOKENS_FILE"
    fi
}

token_of() { awk -F, -v user="$1" '$2 == user {print $1}' "$TOKENS_FILE"; }

write_kubeconfig() {
    local file=$1 user=$2 port=$3 ca
    ca=$(base64 -w0 <"$PKI/ca.crt")
    cat >"$file.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: camel-k8s-leader-e2e
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority-data: $ca
users:
- name: $user
  user:
    token: $(token_of "$user")
contexts:
- name: $user@camel-k8s-leader-e2e
  context:
    cluster: camel-k8s-leader-e2e
    user: $user
    namespace: default
current-context: $user@camel-k8s-leader-e2e
EOF
    chmod 600 "$file.tmp"
    mv "$file.tmp" "$file"
}

# ---- ports ----------------------------------------------------------------------------------------------------

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port NAME: sets NAME to a port nobody listens on, distinct from the ports picked before.
PICKED_PORTS=" "
free_port() {
    local port _
    for _ in $(seq 1 200); do
        # below the kernel's ephemeral range, so no outgoing connection holds it by chance
        port=$((20000 + RANDOM % 12000))
        if ! port_in_use "$port" && [[ $PICKED_PORTS != *" $port "* ]]; then
            PICKED_PORTS="$PICKED_PORTS$port "
            printf -v "$1" '%s' "$port"
            return
        fi
    done
    die "no free port found on 127.0.0.1"
}

# Sets ETCD_PORT, ETCD_PEER_PORT and APISERVER_PORT, chosen by the last `up`.
load_ports() {
    [[ -f $PORTS_FILE ]] || die "no $PORTS_FILE: run '$0 up' first"
    # shellcheck disable=SC1090
    source "$PORTS_FILE"
}

# ---- processes ------------------------------------------------------------------------------------------------

# The PID in the file if that process is alive and is the named program (a PID can be reused).
running_pid() {
    local file=$1 program=$2 pid
    [[ -f $file ]] || return 1
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$program" || return 1
    printf '%s\n' "$pid"
}

stop_process() {
    local file=$1 program=$2 pid waited=0
    if ! pid=$(running_pid "$file" "$program"); then
        rm -f "$file"
        return 0
    fi
    log "stopping $program (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    while [[ -d /proc/$pid ]] && ((waited < STOP_TIMEOUT * 10)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    if [[ -d /proc/$pid ]]; then
        log "$program (pid $pid) did not stop in ${STOP_TIMEOUT}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    rm -f "$file"
}

# Starts a program detached from this script (own session, no inherited output), records its PID.
spawn() {
    local pid_file=$1 log_file=$2
    shift 2
    setsid "$@" </dev/null >>"$log_file" 2>&1 &
    printf '%s\n' "$!" >"$pid_file"
}

# Whether the process spawned into the PID file is still alive. During start-up this, not running_pid, tells
# whether it exited: until the spawned shell has exec'd the program (a moment that a loaded machine stretches),
# its command line is still this script's, and running_pid would take it for a process that has gone.
still_alive() {
    local pid
    pid=$(<"$1")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

fail_with_log() {
    local what=$1 log_file=$2
    printf '[k8s-e2e] ---- last lines of %s ----\n' "$log_file" >&2
    tail -n 40 "$log_file" >&2 || true
    die "$what (full log: $log_file)"
}

start_etcd() {
    local pid waited=0
    if pid=$(running_pid "$ETCD_PID_FILE" etcd); then
        log "etcd already running (pid $pid)"
        return
    fi
    need_commands etcd:etcd-server
    load_ports
    rm -rf "$ETCD_DATA"
    log "starting etcd on 127.0.0.1:$ETCD_PORT (log: $ETCD_LOG)"
    : >"$ETCD_LOG"
    spawn "$ETCD_PID_FILE" "$ETCD_LOG" etcd --name default --data-dir "$ETCD_DATA" \
        --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
        --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster "default=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state new
    until curl -fsS "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'; do
        still_alive "$ETCD_PID_FILE" || fail_with_log "etcd exited during start-up" "$ETCD_LOG"
        ((waited < READY_TIMEOUT * 5)) || fail_with_log "etcd not healthy after ${READY_TIMEOUT}s" "$ETCD_LOG"
        sleep 0.2
        waited=$((waited + 1))
    done
    log "etcd is healthy"
}

start_apiserver() {
    local pid binary waited=0 started
    if pid=$(running_pid "$APISERVER_PID_FILE" kube-apiserver); then
        log "kube-apiserver already running (pid $pid)"
        return
    fi
    running_pid "$ETCD_PID_FILE" etcd >/dev/null || die "etcd is not running: run '$0 up'"
    load_ports
    binary=$(ensure_binary)
    port_in_use "$APISERVER_PORT" && die "port $APISERVER_PORT on 127.0.0.1 is taken by another process"
    log "starting kube-apiserver on https://127.0.0.1:$APISERVER_PORT (log: $APISERVER_LOG)"
    printf '\n==== start %s ====\n' "$(date -u +%FT%TZ)" >>"$APISERVER_LOG"
    started=$(date +%s%N)
    spawn "$APISERVER_PID_FILE" "$APISERVER_LOG" "$binary" \
        --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
        --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" --insecure-port 0 \
        --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
        --client-ca-file "$PKI/ca.crt" --token-auth-file "$TOKENS_FILE" \
        --authorization-mode RBAC \
        --service-account-issuer https://kubernetes.default.svc.cluster.local \
        --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
        --api-audiences https://kubernetes.default.svc.cluster.local \
        --service-cluster-ip-range 10.96.0.0/24 --endpoint-reconciler-type none --profiling=false
    until [[ $(curl -sS --cacert "$PKI/ca.crt" -H "Authorization: Bearer $(token_of "$ADMIN_USER")" \
        "https://127.0.0.1:$APISERVER_PORT/readyz" 2>/dev/null) == ok ]]; do
        still_alive "$APISERVER_PID_FILE" \
            || fail_with_log "kube-apiserver exited during start-up" "$APISERVER_LOG"
        ((waited < READY_TIMEOUT * 5)) || fail_with_log "kube-apiserver not ready after ${READY_TIMEOUT}s" "$APISERVER_LOG"
        sleep 0.2
        waited=$((waited + 1))
    done
    log "kube-apiserver is ready ($((($(date +%s%N) - started) / 1000000)) ms)"
}

# ---- manifests ------------------------------------------------------------------------------------------------

# Every manifest of examples/kubernetes goes through the running server with kubectl apply --dry-run=server: the
# server decodes, defaults, validates and admits each object (the RBAC objects, the Deployment and its pod spec,
# the NetworkPolicy, the Lease) and stores none. kubectl first validates the fields against the server's OpenAPI
# schema, so a misspelt field fails as well; a Deployment misspelt on purpose proves that the check can fail. Then
# promtool checks the alert rules of examples/kubernetes/monitoring and runs their unit tests.
cmd_check_manifests() {
    need_commands kubectl:kubernetes-client promtool:prometheus
    running_pid "$APISERVER_PID_FILE" kube-apiserver >/dev/null || die "kube-apiserver is not running: run '$0 up' first"
    local kubectl=(kubectl --kubeconfig "$ADMIN_KUBECONFIG") namespace=${E2E_NAMESPACE:-camel-k8s-leader-e2e}
    local examples=$REPO_DIR/examples/kubernetes manifest
    # created once and kept, as the e2e tests do: with no controller-manager a deleted namespace stays Terminating
    if ! "${kubectl[@]}" get namespace "$namespace" >/dev/null 2>&1; then
        "${kubectl[@]}" create namespace "$namespace" >&2
    fi
    for manifest in "$examples"/*.yaml; do
        log "kubectl apply --dry-run=server -n $namespace -f ${manifest#"$REPO_DIR"/}"
        "${kubectl[@]}" apply --dry-run=server -n "$namespace" -f "$manifest" \
            || die "the API server refuses ${manifest#"$REPO_DIR"/}"
    done
    grep -q 'runAsNonRoot:' "$examples/deployment.yaml" || die "deployment.yaml has no runAsNonRoot to misspell"
    if sed 's/runAsNonRoot:/runAsNonRot:/' "$examples/deployment.yaml" \
        | "${kubectl[@]}" apply --dry-run=server -n "$namespace" -f - >/dev/null 2>&1; then
        die "the dry run accepted a Deployment with a misspelt field: it would not notice a broken manifest"
    fi
    log "a Deployment with a misspelt field is refused, as it should be"
    log "promtool check rules and test rules (examples/kubernetes/monitoring)"
    promtool check rules "$examples/monitoring/alert-rules.yaml"
    (cd "$examples/monitoring" && promtool test rules alert-rules.test.yaml)
}

# ---- commands -------------------------------------------------------------------------------------------------

cmd_up() {
    # kubectl only for the tests that read the Lease with it; Debian's is v1.20, as the server
    need_commands openssl:openssl curl:curl etcd:etcd-server flock:util-linux setsid:util-linux \
        kubectl:kubernetes-client
    ensure_binary >/dev/null
    mkdir -p "$STATE_DIR"
    ensure_credentials
    if ! running_pid "$ETCD_PID_FILE" etcd >/dev/null && ! running_pid "$APISERVER_PID_FILE" kube-apiserver >/dev/null; then
        local client peer secure
        free_port client
        free_port peer
        free_port secure
        printf 'ETCD_PORT=%s\nETCD_PEER_PORT=%s\nAPISERVER_PORT=%s\n' "$client" "$peer" "$secure" >"$PORTS_FILE"
    fi
    load_ports
    write_kubeconfig "$ADMIN_KUBECONFIG" "$ADMIN_USER" "$APISERVER_PORT"
    write_kubeconfig "$RESTRICTED_KUBECONFIG" "$RESTRICTED_USER" "$APISERVER_PORT"
    start_etcd
    start_apiserver
    log "up: KUBECONFIG=$ADMIN_KUBECONFIG (unprivileged: $RESTRICTED_KUBECONFIG)"
    log "for the e2e tests: eval \"\$($SCRIPT_PATH env)\" && mvn -B verify -Pe2e -pl camel-k8s-leader -am"
}

cmd_down() {
    stop_process "$APISERVER_PID_FILE" kube-apiserver
    stop_process "$ETCD_PID_FILE" etcd
}

cmd_env() {
    [[ -f $ADMIN_KUBECONFIG ]] || die "no $ADMIN_KUBECONFIG: run '$SCRIPT_PATH up' first"
    printf 'export KUBECONFIG=%q\n' "$ADMIN_KUBECONFIG"
    printf 'export E2E_RESTRICTED_KUBECONFIG=%q\n' "$RESTRICTED_KUBECONFIG"
    printf 'export K8S_E2E_SCRIPT=%q\n' "$SCRIPT_PATH"
    printf 'export K8S_E2E_DIR=%q\n' "$STATE_DIR"
}

cmd_status() {
    local pid
    printf 'state:  %s\n' "$STATE_DIR"
    printf 'cache:  %s\n' "$CACHE_ROOT"
    if [[ -f $PORTS_FILE ]]; then
        load_ports
        printf 'server: https://127.0.0.1:%s (etcd http://127.0.0.1:%s)\n' "$APISERVER_PORT" "$ETCD_PORT"
    fi
    if pid=$(running_pid "$ETCD_PID_FILE" etcd); then echo "etcd:           running (pid $pid)"; else echo "etcd:           stopped"; fi
    if pid=$(running_pid "$APISERVER_PID_FILE" kube-apiserver); then echo "kube-apiserver: running (pid $pid)"; else echo "kube-apiserver: stopped"; fi
    printf 'admin kubeconfig:        %s\nunprivileged kubeconfig: %s\nlogs:                    %s\n' \
        "$ADMIN_KUBECONFIG" "$RESTRICTED_KUBECONFIG" "$LOGS"
}

cmd_logs() {
    local f
    for f in "$LOGS"/*.log; do
        [[ -f $f ]] || continue
        printf '==== %s (last 50 lines) ====\n' "$f"
        tail -n 50 "$f"
    done
}

main() {
    local command=${1:-}
    case $command in
        up) cmd_up ;;
        down | stop) cmd_down ;;
        env) cmd_env ;;
        status) cmd_status ;;
        logs) cmd_logs ;;
        check-manifests) cmd_check_manifests ;;
        build) need_commands flock:util-linux; ensure_binary ;;
        stop-apiserver) stop_process "$APISERVER_PID_FILE" kube-apiserver ;;
        start-apiserver) start_apiserver ;;
        restart-apiserver) stop_process "$APISERVER_PID_FILE" kube-apiserver; start_apiserver ;;
        clean) cmd_down; rm -rf "$STATE_DIR" ;;
        -h | --help | help) sed -n '2,/^set -euo/p' "$SCRIPT_PATH" | sed '$d; s/^# \{0,1\}//' ;;
        *) sed -n '2,/^set -euo/p' "$SCRIPT_PATH" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
    esac
}

main "$@"
