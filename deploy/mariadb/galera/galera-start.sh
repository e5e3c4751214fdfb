#!/bin/bash
# A Galera node's entrypoint in docker-compose.yml, run before the image's own docker-entrypoint.sh
# with the same arguments. The image starts mariadbd as it is told and never decides how a node
# joins; this script decides, the way tools/stack/galera.ts does for the local stack:
#
# - A peer (another node of wsrep_cluster_address) answers on its group port: join it. After an
#   unclean stop (grastate.dat seqno -1) the position is recovered first (mariadbd --wsrep-recover)
#   and passed as --wsrep_start_position, so the node asks for an incremental transfer (IST)
#   instead of a full copy.
# - No peer answers, this node has no data, it is the first node of the address and the cluster was
#   never created (no marker in the volume the nodes share): first start, it creates the cluster.
# - No peer answers and grastate.dat says safe_to_bootstrap: 1 (this node left the cluster last,
#   cleanly): it starts the cluster again.
# - Otherwise it waits and says why. Every node stopped uncleanly is a person's decision:
#   `galera-start.sh --position` on each node, then `galera-start.sh --bootstrap-here` on the most
#   advanced one (docs/operations.md, GaleraQuorumLost).
#
# Operator modes (docker compose exec <node> bash /usr/local/bin/galera-start.sh ...), for a node
# whose server is not running (its entrypoint is waiting):
#   --position         this node's last committed position (grastate.dat, or recovered from InnoDB)
#   --bootstrap-here   mark this node safe to bootstrap; its waiting entrypoint then starts the cluster
set -uo pipefail

state_dir=${CHUCAR_GALERA_STATE_DIR:-/var/lib/chucar-galera}
cluster_marker="$state_dir/cluster-created"
default_group_port=4567

note() { echo "galera-start: $*"; }
fail() { echo "galera-start: $*" >&2; exit 1; }

# The effective value of a server option, from the option files and the arguments (as the image's entrypoint reads them).
server_option() {
	local name=$1
	shift
	mariadbd "$@" --verbose --help 2>/dev/null | awk -v name="$name" '$1 == name { print $2; exit }'
}

grastate_field() {
	[ -f "$datadir/grastate.dat" ] || return 0
	sed -n "s/^$1:[[:space:]]*//p" "$datadir/grastate.dat" | head -n 1
}

has_data() { [ -d "$datadir/mysql" ]; }

# Prints the position InnoDB recovery finds (uuid:seqno[,gtid]), or nothing when the node never committed a writeset.
recover_position() {
	local log
	log=$(mktemp)
	chmod 666 "$log"
	if ! gosu mysql mariadbd "$@" --wsrep-recover --log-error="$log" >/dev/null 2>&1; then
		tail -n 20 "$log" >&2
		rm -f "$log"
		fail "mariadbd --wsrep-recover failed"
	fi
	local position
	position=$(sed -n 's/.*WSREP: Recovered position:[[:space:]]*\([0-9a-f-]\{36\}:[0-9-]*\(,[^[:space:]]*\)\{0,1\}\).*/\1/p' "$log" | tail -n 1)
	rm -f "$log"
	case "$position" in
		*:-1 | *:-1,* | '') ;;
		*) echo "$position" ;;
	esac
}

# The first peer that answers on its group port, or nothing.
answering_peer() {
	local peer host port
	for peer in "${peers[@]}"; do
		host=${peer%%:*}
		port=${peer#*:}
		[ "$port" = "$peer" ] && port=$default_group_port
		if timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null; then
			echo "$peer"
			return
		fi
	done
}

# The arguments the node's server runs with: its entrypoint's (PID 1 in the container).
server_arguments_of_pid() {
	local pid=${CHUCAR_GALERA_SERVER_PID:-1} words=()
	mapfile -d '' words < "/proc/$pid/cmdline"
	case "${words[0]##*/}" in
		mariadbd) fail "mariadbd is running in this container: read its position with SELECT @@wsrep_last_committed (or SHOW STATUS LIKE 'wsrep_%')" ;;
		bash)
			[[ "${words[1]:-}" == */galera-start.sh ]] || fail "the image's entrypoint is starting the server (PID $pid runs ${words[1]:-bash}): wait for it, then use SQL"
			printf '%s\0' "${words[@]:2}"
			;;
		*) fail "cannot tell how this node's server is started (PID $pid runs ${words[0]})" ;;
	esac
}

operator_mode=
case "${1:-}" in
	--position | --bootstrap-here)
		operator_mode=$1
		mapfile -d '' server_args < <(server_arguments_of_pid)
		[ "${#server_args[@]}" -gt 0 ] || exit 1
		set -- "${server_args[@]}"
		;;
esac

datadir=$(server_option datadir "$@")
datadir=${datadir%/}
node=$(server_option wsrep-node-name "$@")
address=$(server_option wsrep-cluster-address "$@")
[ -n "$datadir" ] && [ -n "$node" ] || fail "cannot read datadir and wsrep_node_name from the server options"
[[ "$address" == gcomm://?* ]] || fail "wsrep_cluster_address must list the nodes (gcomm://node-1,node-2,...), got '$address'"
IFS=, read -r -a members <<< "${address#gcomm://}"
peers=()
for member in "${members[@]}"; do
	[ "${member%%:*}" = "$node" ] || peers+=("$member")
done
[ "${#peers[@]}" -lt "${#members[@]}" ] || fail "$node is not in wsrep_cluster_address ($address)"
first_node=${members[0]%%:*}

if [ "$operator_mode" = --position ]; then
	seqno=$(grastate_field seqno)
	if ! has_data; then
		echo "$node: no data"
	elif [ -n "$seqno" ] && [ "$seqno" != -1 ]; then
		echo "$node: seqno $seqno (grastate.dat, clean stop; safe_to_bootstrap: $(grastate_field safe_to_bootstrap))"
	else
		position=$(recover_position "$@") || exit 1
		if [ -n "$position" ]; then
			seqno=${position#*:}
			echo "$node: seqno ${seqno%%,*} (recovered from InnoDB)"
		else
			echo "$node: seqno unknown, no writeset committed (recovered from InnoDB)"
		fi
	fi
	exit 0
fi

if [ "$operator_mode" = --bootstrap-here ]; then
	has_data && [ -f "$datadir/grastate.dat" ] || fail "$node has no cluster data to start from"
	peer=$(answering_peer)
	[ -z "$peer" ] || fail "$peer answers on its group port: the cluster runs there, $node must join it, not start another"
	sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 1/' "$datadir/grastate.dat"
	note "$node marked safe to bootstrap; its entrypoint starts the cluster from it within seconds (docker compose logs -f $node)"
	exit 0
fi

# A stop while waiting (bash as PID 1 ignores SIGTERM otherwise).
trap 'exit 0' TERM INT

start_args=()
with_recovered_position() {
	local seqno
	seqno=$(grastate_field seqno)
	if has_data && { [ -z "$seqno" ] || [ "$seqno" = -1 ]; }; then
		local position
		position=$(recover_position "$@") || exit 1
		if [ -n "$position" ]; then
			note "$node stopped uncleanly; recovered position $position"
			start_args+=("--wsrep_start_position=$position")
		fi
	fi
}

waited=0
while :; do
	peer=$(answering_peer)
	if [ -n "$peer" ]; then
		note "$node joins the cluster through $peer"
		with_recovered_position "$@"
		break
	fi
	if ! has_data && [ "$node" = "$first_node" ] && [ ! -e "$cluster_marker" ]; then
		note "first start: $node has no data, no peer answers and the cluster was never created: $node creates it"
		mkdir -p "$state_dir" && date -u +%FT%TZ > "$cluster_marker" || fail "cannot write $cluster_marker"
		start_args+=(--wsrep-new-cluster)
		break
	fi
	if has_data && [ "$(grastate_field safe_to_bootstrap)" = 1 ]; then
		note "no peer answers and $node is safe to bootstrap (safe_to_bootstrap: 1: it left the cluster last, or a person chose it): $node starts the cluster"
		with_recovered_position "$@"
		start_args+=(--wsrep-new-cluster)
		break
	fi
	if [ $((waited % 30)) -eq 0 ]; then
		if has_data; then
			why="$node is not safe to bootstrap (safe_to_bootstrap: $(grastate_field safe_to_bootstrap), seqno $(grastate_field seqno))"
		elif [ "$node" = "$first_node" ]; then
			why="$node has no data but the cluster exists ($cluster_marker): it must join to receive it"
		else
			why="$node has no data: it must join to receive it"
		fi
		note "waiting for a peer (${peers[*]}) to answer on its group port; $why. If every node stopped uncleanly, run galera-start.sh --position on each and --bootstrap-here on the most advanced (docs/operations.md#galeraquorumlost)"
	fi
	sleep 2
	waited=$((waited + 2))
done

exec docker-entrypoint.sh "$@" "${start_args[@]}"
