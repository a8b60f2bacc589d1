#!/bin/sh
# Install hall for this user, from the unpacked tarball (no root needed):
#   ./install.sh               the program in ~/.local/lib/hall, `hall` in ~/.local/bin,
#                              the menu entry and its icon under ~/.local/share
#   ./install.sh --uninstall   remove them again; the data (~/.local/share/hall) stays
# PREFIX=/some/where ./install.sh installs under that folder instead of ~/.local.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-"$HOME/.local"}
program="$prefix/lib/hall"
bin="$prefix/bin"
share=${XDG_DATA_HOME:-"$prefix/share"}
desktop="$share/applications/hall.desktop"
icon_png="$share/icons/hicolor/256x256/apps/hall.png"
icon_svg="$share/icons/hicolor/scalable/apps/hall.svg"

refresh_menus() {
    command -v update-desktop-database >/dev/null 2>&1 \
        && update-desktop-database -q "$share/applications" 2>/dev/null || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 \
        && gtk-update-icon-cache -q -t "$share/icons/hicolor" 2>/dev/null || true
}

# Only ever delete a folder that holds this program (its executable and _internal/).
remove_program() {
    if [ -d "$program" ]; then
        if [ ! -x "$program/hall" ] || [ ! -d "$program/_internal" ]; then
            echo "install.sh: $program is not a hall installation; leaving it alone" >&2
            exit 1
        fi
        rm -rf "$program"
    fi
}

if [ "${1:-}" = "--uninstall" ]; then
    remove_program
    [ -L "$bin/hall" ] && rm -f "$bin/hall"
    rm -f "$desktop" "$icon_png" "$icon_svg"
    refresh_menus
    echo "hall removed. Its data stays in ~/.local/share/hall (settings in ~/.config/hall)."
    exit 0
fi
if [ $# -gt 0 ]; then
    echo "usage: $0 [--uninstall]" >&2
    exit 2
fi

[ -x "$here/hall/hall" ] || { echo "install.sh: $here/hall/hall not found" >&2; exit 1; }
remove_program
mkdir -p "$prefix/lib" "$bin" "$share/applications" "$(dirname "$icon_png")" \
    "$(dirname "$icon_svg")"
# Copied beside the target first and renamed: an interrupted copy leaves no half program.
rm -rf "$program.new"
cp -R "$here/hall" "$program.new"
mv "$program.new" "$program"
ln -sf "$program/hall" "$bin/hall"
cp "$here/hall.png" "$icon_png"
cp "$here/hall.svg" "$icon_svg"
sed -e "s|^Exec=hall|Exec=\"$program/hall\"|" -e "s|^Icon=hall\$|Icon=$icon_png|" \
    "$here/hall.desktop" > "$desktop"
chmod 644 "$desktop"
refresh_menus

echo "hall installed in $program"
echo "  menu entry: $desktop"
case ":$PATH:" in
    *":$bin:"*) echo "  command:    hall (try: hall --help)" ;;
    *) echo "  command:    $bin/hall ($bin is not on your PATH)" ;;
esac
