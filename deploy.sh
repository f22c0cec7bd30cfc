#!/usr/bin/env bash
# Deploys Avalo Infra Functions to a Firebase/GCP project (docs/deploy.md walks through it).
#
#   deploy.sh PROJECT_ID --bootstrap [--dry-run]            APIs, service accounts + grants, KMS key, buckets,
#                                                          secrets, Firestore PITR + TTL, Hosting site (idempotent)
#   deploy.sh PROJECT_ID [--dry-run] [--only NAME…] [--canary 10,50,100] [--canary-wait S] [--max-error-rate R]
#             [--prune] [--env-file FILE.yaml] [--skip-build]
#                                                          preflight, rules + indexes, then every changed function
#                                                          (no traffic → probe → traffic), scheduler jobs, hosting
#   deploy.sh PROJECT_ID --rollback [NAME…] [--dry-run]     back to each function's previous revision
#
#   --dry-run        print every command (stdout carries only commands), run nothing, build no jar
#   --only NAME…     just these functions (and their jobs/invokers); no rules/indexes/hosting, no orphan check
#   --canary STEPS   traffic percentages for each new revision, waiting --canary-wait seconds (deploy/deploy.json)
#                    and checking its error rate (≤ --max-error-rate) between steps; default: all at once
#   --prune          delete functions and jobs this tool deployed that are no longer in catalog.json
#   --env-file FILE  runtime variables (YAML map, e.g. CDN_ADAPTER: cloud-cdn) for every function
#   --skip-build     reuse the function jar already in target/deploy/source
# Environment: AVALO_REGION (default: catalog region), AVALO_SCHEDULER_LOCATION (default: region),
#              AVALO_PRIVATE_INVOKERS (members that may call private non-job functions; default in deploy/deploy.json),
#              AVALO_DEPLOY_SOURCE (directory with the function jar; default target/deploy/source).
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"
# shellcheck source=bin/lib.sh
. bin/lib.sh

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] || usage
project="$1"; shift
case "$project" in -*|"") usage ;; esac
dry_run=false; skip_build=false; mode=deploy; only=false; args=()
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true; args+=("$arg") ;;
    --skip-build) skip_build=true ;;
    --bootstrap) mode=bootstrap; args+=("$arg") ;;
    --rollback) mode=rollback; args+=("$arg") ;;
    --only) only=true; args+=("$arg") ;;
    -h|--help) usage ;;
    *) args+=("$arg") ;;
  esac
done

select_jdk
deploy_dir="$root/target/deploy"
mkdir -p "$deploy_dir/source"
if [ "$dry_run" = false ]; then
  ensure_node_modules "$root"   # firebase-tools
  # The project's firebase CLI comes after anything already on PATH (a test's fake comes first).
  export PATH="$PATH:$root/node_modules/.bin"
fi
if [ "$mode" = deploy ] && [ "$dry_run" = false ] && [ "$skip_build" = false ]; then
  # Hosting publishes admin-web/dist (not with --only, which deploys functions only).
  [ "$only" = true ] || build_admin_web "$root"
  # One self-contained jar that every function is deployed from; build output to stderr.
  if ! mvn -B -ntp -q -Pdeploy -DskipTests package -pl functions >&2; then
    echo "error: building the function jar failed (Maven's output above)" >&2
    exit 1
  fi
  rm -rf "$deploy_dir/source" && mkdir -p "$deploy_dir/source"
  cp functions/target/avalo-infra-functions-*-deploy.jar "$deploy_dir/source/"
fi

# The plan is computed by the deploy module (catalog.json, deploy/deploy.json), built
# inside the reactor: no dev stack, no test-jar, nothing of the project from ~/.m2.
classpath_file="$deploy_dir/plan.classpath"
# The plan's classpath is built inside the reactor; rebuilt whenever a source, pom or the catalog is
# newer than the last build (or the classes are gone), so a repeated run skips Maven's start-up.
if [ -s "$classpath_file" ] && [ -d deploy/target/classes ] && [ -d functions/target/classes ] \
    && [ -z "$(find pom.xml catalog.json deploy/pom.xml deploy/src/main deploy/deploy.json functions/pom.xml \
      functions/src/main -newer "$classpath_file" -print 2>/dev/null | head -n 1)" ]; then
  :
else
  build_classpath "$root" deploy "$classpath_file"
fi
exec java -cp "$root/deploy/target/classes:$(cat "$classpath_file")" app.avalo.infra.deploy.Deploy \
  "$root" "$project" ${args[@]+"${args[@]}"}   # (bash 3.2 calls an empty "${a[@]}" unbound)
