# Shared by bin/* scripts: picks a JDK >= 21 and prepares node packages. Source it, don't run it.
# Written for bash 3.2 and BSD tools too (macOS): no mapfile, no readlink -f, no sha256sum needed.

# Resolves symlinks in a path (portable readlink -f).
_resolve() {
  local path="$1" link
  while [ -L "$path" ]; do
    link=$(readlink "$path")
    case "$link" in
      /*) path="$link" ;;
      *) path="$(dirname "$path")/$link" ;;
    esac
  done
  echo "$(cd -P "$(dirname "$path")" 2>/dev/null && pwd)/$(basename "$path")"
}

# SHA-256 of a file: sha256sum (GNU) or shasum (macOS).
_sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1  # portable: the GNU branch of _sha256
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# Prints the major version of the java binary given, or nothing.
_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

# Exports JAVA_HOME (and PATH) for a JDK >= 21: JAVA_HOME if it qualifies, else `javac` on PATH, else
# /usr/lib/jvm/* (Debian), else macOS's java_home and /Library/Java/JavaVirtualMachines/*.
select_jdk() {
  local candidate major javac_path mac_home=""
  javac_path=$(command -v javac 2>/dev/null || echo /nonexistent/bin/javac)
  [ -x /usr/libexec/java_home ] && mac_home=$(/usr/libexec/java_home -v 21+ 2>/dev/null || true)
  for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(_resolve "$javac_path")")")" /usr/lib/jvm/* \
      "$mac_home" /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "error: no JDK 21 or newer found (looked at JAVA_HOME, the javac on PATH, /usr/lib/jvm/* and macOS's java_home)." >&2
  echo "       Avalo Infra targets the Cloud Functions java21 runtime; install a JDK >= 21 (e.g. apt-get install openjdk-21-jdk-headless) or set JAVA_HOME." >&2
  return 1
}

# Installs the pinned node packages (package-lock.json) when node_modules is missing or was
# installed from a different lock file (compared by content, not by time).
ensure_node_modules() {
  local root="$1" want have=""
  if ! command -v node >/dev/null; then
    echo "error: node (>= 20) and npm are required for the emulators and the JS tests" >&2
    return 1
  fi
  want=$(_sha256 "$root/package-lock.json")
  [ -f "$root/node_modules/.avalo-lock-sha256" ] && have=$(cat "$root/node_modules/.avalo-lock-sha256")
  if [ "$want" != "$have" ]; then
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    echo "$want" > "$root/node_modules/.avalo-lock-sha256"
  fi
}

# Bundles the admin dashboard (admin-web/src + npm packages) into admin-web/dist, which the dev
# server serves at /admin/ and Firebase Hosting publishes. Needs ensure_node_modules first.
build_admin_web() {
  local root="$1"
  node "$root/admin-web/build.mjs" || { echo "error: building admin-web failed" >&2; return 1; }
}

# build_classpath ROOT MODULE FILE: compiles MODULE and what it needs inside the reactor (never a copy
# of the project's own artifacts from ~/.m2) and writes its runtime classpath to FILE. Maven's output
# is kept in FILE.log and printed whole when the build fails.
build_classpath() {
  local root="$1" module="$2" file="$3"
  if ! (cd "$root" && mvn -B -ntp -DskipTests -Dmdep.includeScope=runtime -Dmdep.outputFile="$file" \
      compile dependency:build-classpath -pl "$module" -am) >"$file.log" 2>&1; then
    cat "$file.log" >&2
    echo "error: building $module failed (Maven's output above, also in $file.log)" >&2
    return 1
  fi
}
