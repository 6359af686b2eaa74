#!/usr/bin/env bash
# Real services for the integration tests, on 127.0.0.1 only:
#   - Debian's prometheus binary (the tests start it themselves, scraping a simulated hub);
#   - a single-node Slurm 22.05 (munged, slurmctld, slurmd) with 4 fake GRES GPUs and
#     slurmrestd with JWT auth on 127.0.0.1:6820, running a few sleep jobs.
# Writes $HUBCI_DIR/env (default /tmp/hubci/env) with SLURM_JWT and the URLs the tests read.
#
#   .ci/services.sh            install (if needed) and start everything
#   .ci/services.sh install    only install the Debian packages
#   .ci/services.sh start      start (packages already installed)
#   .ci/services.sh stop       cancel jobs and stop the daemons
set -euo pipefail

DIR=${HUBCI_DIR:-/tmp/hubci}
S="$DIR/slurm"
PKGS="prometheus munge slurmctld slurmd slurmrestd slurm-client slurm-wlm-jwt-plugin"
REST_PORT=${HUBCI_SLURMRESTD_PORT:-6820}
export SLURM_CONF="$S/slurm.conf"

log() { echo "[services] $*"; }

install_packages() {
  # shellcheck disable=SC2086
  if dpkg -s $PKGS >/dev/null 2>&1; then
    log "packages already installed"
    return
  fi
  # No systemd here: keep the packages' postinst from starting services.
  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $PKGS >/dev/null
  if [ "$made_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  for _ in $(seq 1 $((limit * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  log "timed out waiting for $what"
  return 1
}

write_configs() {
  mkdir -p "$S"/{state,spool,log,gpu}
  local host node_line
  host=$(hostname -s)
  # NodeName=<host> CPUs=... RealMemory=...; 8 cores whatever the machine has
  # (SlurmdParameters=config_overrides), so the demo jobs below run side by side.
  node_line=$(slurmd -C | head -1 | sed -E 's/CPUs=[0-9]+/CPUs=8/; s/Boards=[0-9]+/Boards=1/;
    s/SocketsPerBoard=[0-9]+/SocketsPerBoard=1/; s/CoresPerSocket=[0-9]+/CoresPerSocket=8/;
    s/ThreadsPerCore=[0-9]+/ThreadsPerCore=1/')
  for i in 0 1 2 3; do
    [ -e "$S/gpu/nvidia$i" ] || mknod "$S/gpu/nvidia$i" c 195 "$i"
  done
  [ -s "$S/jwt.key" ] || dd if=/dev/urandom bs=32 count=1 of="$S/jwt.key" status=none
  chown -R slurm:slurm "$S"
  chmod 0600 "$S/jwt.key"
  cat > "$S/slurm.conf" <<EOF
ClusterName=hubci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=slurm
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$S/jwt.key
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
Epilog=$S/epilog.sh
GresTypes=gpu
$node_line Gres=gpu:h200:4 NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=gpu Nodes=$host Default=YES MaxTime=INFINITE State=UP
PartitionName=cpu Nodes=$host MaxTime=INFINITE State=UP
EOF
  # A job named "completing-demo" stays COMPLETING while this epilog sleeps.
  cat > "$S/epilog.sh" <<EOS
#!/bin/sh
name=\${SLURM_JOB_NAME:-\$(SLURM_CONF=$S/slurm.conf scontrol show job "\$SLURM_JOB_ID" 2>/dev/null \\
  | sed -n 's/.*JobName=\\([^ ]*\\).*/\\1/p')}
[ "\$name" = completing-demo ] && sleep 300
exit 0
EOS
  chmod 0755 "$S/epilog.sh"
  cat > "$S/gres.conf" <<EOF
NodeName=$host Name=gpu Type=h200 File=$S/gpu/nvidia[0-3]
EOF
  chown slurm:slurm "$S/slurm.conf" "$S/gres.conf"
}

start_slurm() {
  [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  if ! pgrep -u munge -x munged >/dev/null; then
    runuser -u munge -- /usr/sbin/munged
  fi
  wait_for 10 munged munge -n
  slurmctld -f "$SLURM_CONF"
  wait_for 30 slurmctld scontrol ping
  slurmd -f "$SLURM_CONF"
  wait_for 30 "node idle" sh -c "sinfo -h -o %T | grep -qx idle"
  # slurmrestd refuses to run as root: it binds as root, then drops to nobody.
  SLURM_JWT=daemon slurmrestd -u nobody -g nogroup -a rest_auth/jwt \
    -s openapi/v0.0.38,openapi/v0.0.37,openapi/v0.0.36 "127.0.0.1:$REST_PORT" \
    >"$S/log/slurmrestd.log" 2>&1 &
  echo $! > "$S/slurmrestd.pid"
  wait_for 20 slurmrestd python3 -c \
    "import socket; socket.create_connection(('127.0.0.1', $REST_PORT), 1)"
}

submit_jobs() {
  id -u alice >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin alice
  local sb="runuser -u alice -- sbatch --parsable -D /tmp -o /dev/null -e /dev/null"
  # First, while the node is free: it ends at once and stays COMPLETING (epilog, 5 min).
  $sb -J completing-demo -A research-ma -p cpu -t 1 --wrap 'sleep 1' >/dev/null
  $sb -J train-llm -A research-ma -p gpu --gres=gpu:h200:2 --wrap 'sleep 3600' >/dev/null
  $sb -J finetune -A startup-us -p gpu --gres=gpu:2 -t 30 --wrap 'sleep 3600' >/dev/null
  $sb -J eval -A research-ma -p gpu --gres=gpu:1 --wrap 'sleep 60' >/dev/null
  $sb -J preprocess -A enterprise-fr -p cpu --wrap 'sleep 60' >/dev/null
  local held
  held=$($sb -J held-job -A enterprise-fr -p cpu --hold --wrap 'sleep 60')
  # Slurm as sites use it: a job array and a job with GPUs per task (both pending: the
  # 4 GPUs are taken), besides the job held in COMPLETING.
  $sb -J array-demo -A research-ma -p gpu --array=0-9 --gres=gpu:1 --wrap 'sleep 600' >/dev/null
  $sb -J per-task -A startup-us -p gpu --gpus-per-task=1 --ntasks=2 --wrap 'sleep 600' >/dev/null
  wait_for 30 "two running jobs" sh -c "[ \$(squeue -h -t R | wc -l) -ge 2 ]"
  wait_for 30 "a completing job" sh -c "squeue -h -t CG -o %j | grep -qx completing-demo"
  log "jobs: $(squeue -h -o '%i %j %T %r' | tr '\n' ';') held=$held"
}

write_env() {
  local token
  token=$(scontrol token username=root lifespan=14400 | sed -n 's/^SLURM_JWT=//p')
  umask 077
  cat > "$DIR/env" <<EOF
SLURM_JWT=$token
HUBCI_SLURM_URL=slurm+http://127.0.0.1:$REST_PORT
HUBCI_SLURM_JOBS=5
HUBCI_SLURM_NODE=$(hostname -s)
SLURM_CONF=$SLURM_CONF
EOF
  log "wrote $DIR/env"
}

fresh_state() {
  stop_all >/dev/null 2>&1 || true
  pkill -x slurmrestd 2>/dev/null || true
  pkill -x slurmd 2>/dev/null || true
  pkill -x slurmctld 2>/dev/null || true
  for _ in $(seq 1 50); do
    pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null \
      || pgrep -x slurmrestd >/dev/null || break
    sleep 0.2
  done
  rm -rf "$S"
  mkdir -p "$DIR"
}

stop_all() {
  export SLURM_CONF
  if [ -f "$SLURM_CONF" ]; then
    scancel --quiet --user=alice 2>/dev/null || true
    sleep 1
  fi
  for pidfile in "$S/slurmrestd.pid" "$S/slurmd.pid" "$S/slurmctld.pid"; do
    if [ -s "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; fi
  done
  rm -f "$DIR/env"
  log "stopped"
}

case "${1:-all}" in
  install) install_packages ;;
  start) write_configs; start_slurm; submit_jobs; write_env ;;
  stop) stop_all ;;
  all)
    install_packages
    # Always start from a clean slate: daemons or job state left by an earlier run would
    # keep the node busy and the test jobs out of the expected states.
    fresh_state
    write_configs; start_slurm; submit_jobs; write_env
    ;;
  *) echo "usage: $0 [install|start|stop]" >&2; exit 2 ;;
esac
