; Windows installer of hall: installs the one-folder bundle that installer/hall.spec
; builds on Windows (dist\hall\: hall.exe, hall-cli.exe, _internal\) for all users under
; Program Files, with Start-menu and desktop shortcuts and an uninstaller.
;
; Built on Windows after the bundle (installer\build.py runs it when makensis is on PATH):
;   makensis /DVERSION=0.1.0 installer\hall.nsi    ->  dist\hall-0.1.0-setup.exe
; Paths here are relative to this file (makensis works in the script's folder).
; Keep in step with hall.spec and contents.py: the folder "hall", the executables
; "hall.exe" (windowed) and "hall-cli.exe" (console), the icon resources\icons\hall.ico.

!ifndef VERSION
  !error "Pass the version: makensis /DVERSION=<hall.__version__> installer\hall.nsi"
!endif
; Windows wants four numbers in a file's version resource.
!ifndef VERSION4
  !define VERSION4 "${VERSION}.0"
!endif

!define NAME "hall"
!define BUNDLE "..\dist\${NAME}"
!define EXE "${NAME}.exe"
!define CLI_EXE "${NAME}-cli.exe"
!define ICON "..\resources\icons\hall.ico"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${NAME}"

Unicode true
SetCompressor /SOLID lzma
ManifestDPIAware true
RequestExecutionLevel admin

Name "一窗受理 (hall) ${VERSION}"
OutFile "..\dist\${NAME}-${VERSION}-setup.exe"
InstallDir "$PROGRAMFILES64\${NAME}"
InstallDirRegKey HKLM "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "hall ${VERSION}"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=0 "ProductName" "hall"
VIAddVersionKey /LANG=0 "FileDescription" "hall ${VERSION} setup"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "GPL-3.0-or-later"

!include "MUI2.nsh"
!include "x64.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
; The first language is the default; the installer follows the system's.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString SHORTCUT_DISPLAY ${LANG_SIMPCHINESE} "大厅显示屏"
LangString SHORTCUT_DISPLAY ${LANG_ENGLISH} "Hall display"
LangString NEEDS_64BIT ${LANG_SIMPCHINESE} "本程序需要 64 位 Windows。"
LangString NEEDS_64BIT ${LANG_ENGLISH} "hall needs 64-bit Windows."

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "$(NEEDS_64BIT)"
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Section "hall" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An older version's libraries must not linger beside the new ones.
  RMDir /r "$INSTDIR\_internal"
  File "${BUNDLE}\${EXE}"
  File "${BUNDLE}\${CLI_EXE}"
  File /r "${BUNDLE}\_internal"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\一窗受理.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
  CreateShortcut "$SMPROGRAMS\$(SHORTCUT_DISPLAY).lnk" "$INSTDIR\${EXE}" "display" \
    "$INSTDIR\${EXE}" 0
  CreateShortcut "$DESKTOP\一窗受理.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "一窗受理 (hall)"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "hall"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

; Only what the installer put there: a folder chosen by hand may hold other files.
; The data (%LOCALAPPDATA%\hall) stays: it is the hall's records.
Section "Uninstall"
  Delete "$SMPROGRAMS\一窗受理.lnk"
  ; Both names: the uninstaller may run in another language than the installer did.
  Delete "$SMPROGRAMS\大厅显示屏.lnk"
  Delete "$SMPROGRAMS\Hall display.lnk"
  Delete "$DESKTOP\一窗受理.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd
