#!/usr/bin/env bash
# Deploys Avalo Infra Functions: every function of catalog.json (gen2, java21, one jar built once),
# the Cloud Scheduler jobs of scheduler.yaml (OIDC, retries), and Firestore rules/indexes + Hosting.
# Idempotent: re-running updates in place.
#
#   deploy.sh PROJECT_ID [--only NAME…] [--dry-run] [--env-file FILE.yaml]
#
#   --only NAME…     deploy just these functions (and their scheduler jobs); skips the Firebase deploy
#   --dry-run        print every command, run nothing (still builds the jar unless --skip-build)
#   --env-file FILE  extra runtime env vars (YAML map, e.g. MEDIA_BUCKET: avalo-media) for every function
#   --skip-build     reuse the jar already built (used by the tests of this script)
# Environment: AVALO_REGION (default: catalog region), AVALO_SCHEDULER_LOCATION (default: region),
#              AVALO_SCHEDULER_SA (default: avalo-scheduler@PROJECT.iam.gserviceaccount.com).
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"
# shellcheck source=bin/lib.sh
. bin/lib.sh

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] || usage
project="$1"; shift
case "$project" in -*|"") usage ;; esac
dry_run=false; skip_build=false; env_file=""; only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=true ;;
    --skip-build) skip_build=true ;;
    --env-file) env_file="$2"; shift ;;
    --only) shift; while [ $# -gt 0 ] && [[ "$1" != --* ]]; do only+=("$1"); shift; done; continue ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
  shift
done

select_jdk
[ "$dry_run" = true ] || ensure_node_modules "$root"   # firebase-tools for the rules/indexes/hosting deploy
# Hosting publishes admin-web/dist: build it before the firebase deploy (skipped with --only, which deploys functions only).
if [ "$dry_run" = false ] && [ ${#only[@]} -eq 0 ]; then
  build_admin_web "$root"
fi
deploy_dir="$root/target/deploy"
if [ "$skip_build" = false ]; then
  mvn -B -ntp -q -Pdeploy -DskipTests package >&2   # stdout carries only the commands
  rm -rf "$deploy_dir" && mkdir -p "$deploy_dir/source"
  cp functions/target/avalo-infra-functions-*-deploy.jar "$deploy_dir/source/"
else
  mkdir -p "$deploy_dir/source"
fi

# Runtime environment of every function: the project plus the operator's extra variables.
env_yaml="$deploy_dir/env.yaml"
{
  echo "GOOGLE_CLOUD_PROJECT: \"$project\""
  [ -n "$env_file" ] && grep -v -E '^\s*(#|$)|^GOOGLE_CLOUD_PROJECT:' "$env_file"
} > "$env_yaml"

# The plan is computed by DeployPlan (localstack module) from catalog.json and scheduler.yaml.
# AVALO_DEPLOY_CLASSPATH lets the tests of this script hand in their classpath instead of a build.
if [ -z "${AVALO_DEPLOY_CLASSPATH:-}" ]; then
  classpath_file="$deploy_dir/plan.classpath"
  mvn -B -ntp -q -DskipTests compile dependency:build-classpath -pl localstack -am \
    -Dmdep.outputFile="$classpath_file" >/dev/null
  AVALO_DEPLOY_CLASSPATH="$root/localstack/target/classes:$(cat "$classpath_file")"
fi
plan=$(java -cp "$AVALO_DEPLOY_CLASSPATH" app.avalo.infra.localstack.DeployPlan \
  "$root" "$project" "$deploy_dir/source" "$env_yaml" "${only[@]}")
mapfile -t commands <<< "$plan"

for command in "${commands[@]}"; do
  if [ "$dry_run" = true ]; then
    echo "$command"
  else
    echo "+ $command"
    bash -c "$command"
  fi
done
