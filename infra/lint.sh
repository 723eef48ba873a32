#!/usr/bin/env bash
# Builds and lints the Bicep (infra/main.bicep, its modules and every infra/**/*.bicepparam) with the Bicep CLI
# from NuGet (the only registry reachable here and in CI), and fails on ANY diagnostic: the CLI exits 0 on
# warnings, and type errors such as BCP036/BCP037 are only warnings.
#
# The CLI comes from a throwaway restore of infra/bicep-cli/BicepCli.csproj (PackageDownload, version in
# infra/bicep-cli/bicep-cli.props); when the package is already in the NuGet cache the restore is a no-op.
set -euo pipefail
infra="$(cd "$(dirname "$0")" && pwd)"
cli_project="$infra/bicep-cli/BicepCli.csproj"

restore_log="$(mktemp)"
work="$(mktemp -d)"
trap 'rm -rf "$restore_log" "$work"' EXIT

if ! dotnet restore "$cli_project" --nologo --verbosity quiet >"$restore_log" 2>&1; then
  cat "$restore_log" >&2
  echo "lint.sh: could not restore the Bicep CLI package" >&2
  exit 1
fi
bicep="$(dotnet msbuild "$cli_project" -nologo -getProperty:BicepCliPath)"
if [ ! -f "$bicep" ]; then
  echo "lint.sh: no Bicep CLI at '$bicep' after restore" >&2
  exit 1
fi
[ -x "$bicep" ] || chmod +x "$bicep"   # NuGet does not always keep the executable bit
echo "bicep: $bicep"

status=0
# Runs one bicep command; any output on stderr is a diagnostic.
check() {
  local what="$1"; shift
  local diagnostics="$work/diagnostics"
  if ! "$bicep" "$@" >"$work/stdout" 2>"$diagnostics"; then
    echo "FAIL $what (exit code)"; cat "$diagnostics"; status=1; return
  fi
  if [ -s "$diagnostics" ]; then
    echo "FAIL $what (diagnostics)"; cat "$diagnostics"; status=1; return
  fi
  echo "ok   $what"
}

cd "$infra/.."
# One CLI start per command (each takes seconds): build compiles main.bicep and its modules (and runs the linter),
# lint covers every .bicep and .bicepparam, build-params type-checks every parameter file against main.bicep.
# Secrets in a .bicepparam come from the environment: compiled output goes to a temporary folder, then away.
check "build infra/main.bicep" build infra/main.bicep --outdir "$work/build"
check "lint infra/**/*.bicep, infra/**/*.bicepparam" lint --pattern 'infra/**/*.bicep*'
check "build-params infra/**/*.bicepparam" build-params --pattern 'infra/**/*.bicepparam' --outdir "$work/params"

if [ "$status" -ne 0 ]; then
  echo "lint.sh: Bicep diagnostics found (warnings count: fix them or change the template)" >&2
fi
exit "$status"
