# Sourced by the scripts: `apt_need PKG...` installs the Debian packages not yet
# installed when run as root; otherwise it prints the install line and fails.
apt_need() {
    local missing=() p
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    if [[ $(id -u) == 0 ]]; then
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
    else
        echo "missing Debian packages; run: sudo apt-get install -y ${missing[*]}" >&2
        return 1
    fi
}
