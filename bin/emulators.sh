# Source it: start_emulators FILE [OPTION…] starts the Firestore + Auth emulators in the background, waits until
# they answer, and exports their *_EMULATOR_HOST variables; stop_emulators stops them.
start_emulators() {
  local env_file="$1" root
  shift
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  rm -f "$env_file"
  node "$root/localstack/emulators/start.mjs" --write-env "$env_file" "$@" >"$env_file.log" 2>&1 &
  EMULATORS_PID=$!
  local waited=0
  while [ ! -s "$env_file" ]; do
    if ! kill -0 "$EMULATORS_PID" 2>/dev/null; then
      echo "error: the emulators failed to start:" >&2
      cat "$env_file.log" >&2
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
    if [ "$waited" -ge 180 ]; then
      echo "error: the emulators did not start within 180 s:" >&2
      cat "$env_file.log" >&2
      return 1
    fi
  done
  set -a
  # shellcheck disable=SC1090
  . "$env_file"
  set +a
  echo "emulators: Firestore $FIRESTORE_EMULATOR_HOST, Auth $FIREBASE_AUTH_EMULATOR_HOST (project $GOOGLE_CLOUD_PROJECT)"
}

stop_emulators() {
  if [ -n "${EMULATORS_PID:-}" ] && kill -0 "$EMULATORS_PID" 2>/dev/null; then
    kill -TERM "$EMULATORS_PID" 2>/dev/null || true
    wait "$EMULATORS_PID" 2>/dev/null || true
  fi
}
