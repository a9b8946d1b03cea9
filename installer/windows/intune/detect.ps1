<#
.SYNOPSIS
  Intune Win32 app detection for Promptwall (custom detection script).

.DESCRIPTION
  Intune counts the app as installed when this script exits 0 AND writes to standard output;
  anything else (exit 1, no output) means not installed. Promptwall is installed when all hold:
    1. the MSI's uninstall entry (DisplayName "Promptwall", Publisher "Promptwall") has a
       DisplayVersion at least $MinimumVersion;
    2. the Chrome native-messaging host key names a manifest whose folder holds promptwall.exe
       (the MSI's INSTALLFOLDER, wherever it was put);
    3. the daemon's Run key (PromptwallDaemon) is there (the MSI has no service by design: the
       daemon runs per user, started at each logon).
  Registry reads use the 64-bit view explicitly: Intune runs detection scripts as a 32-bit
  process unless told otherwise, and the MSI's keys are in the 64-bit view.
  $MinimumVersion is the workspace version; tests/windows/check_detect_ps1.sh checks that it is.
  Upload it under App > Detection rules > Use a custom detection script; "Run script as 32-bit
  process on 64-bit clients" may stay No or Yes; "Enforce script signature check" needs it signed.
#>
$ErrorActionPreference = 'Stop'
$MinimumVersion = [version]'0.1.0'

function Open-Hklm64 {
    [Microsoft.Win32.RegistryKey]::OpenBaseKey(
        [Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
}

function Get-InstalledVersion {
    $hklm = Open-Hklm64
    try {
        $uninstall = $hklm.OpenSubKey('SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall')
        if ($null -eq $uninstall) { return $null }
        foreach ($name in $uninstall.GetSubKeyNames()) {
            $entry = $uninstall.OpenSubKey($name)
            if ($null -eq $entry) { continue }
            $displayName = $entry.GetValue('DisplayName')
            $publisher = $entry.GetValue('Publisher')
            $displayVersion = $entry.GetValue('DisplayVersion')
            $entry.Close()
            if ($displayName -eq 'Promptwall' -and $publisher -eq 'Promptwall' -and $displayVersion) {
                $parsed = $null
                if ([version]::TryParse([string]$displayVersion, [ref]$parsed)) { return $parsed }
            }
        }
        return $null
    }
    finally { $hklm.Close() }
}

function Get-HklmValue([string]$Path, [string]$Name) {
    $hklm = Open-Hklm64
    try {
        $key = $hklm.OpenSubKey($Path)
        if ($null -eq $key) { return $null }
        try { return $key.GetValue($Name) } finally { $key.Close() }
    }
    finally { $hklm.Close() }
}

try {
    $installed = Get-InstalledVersion
    if ($null -eq $installed -or $installed -lt $MinimumVersion) { exit 1 }

    $manifest = Get-HklmValue 'SOFTWARE\Google\Chrome\NativeMessagingHosts\com.promptwall.agent' ''
    if (-not $manifest -or -not (Test-Path -LiteralPath $manifest -PathType Leaf)) { exit 1 }
    $exe = Join-Path (Split-Path -Parent $manifest) 'promptwall.exe'
    if (-not (Test-Path -LiteralPath $exe -PathType Leaf)) { exit 1 }

    $daemon = Get-HklmValue 'SOFTWARE\Microsoft\Windows\CurrentVersion\Run' 'PromptwallDaemon'
    if (-not $daemon -or $daemon -notlike '*promptwall.exe*daemon*') { exit 1 }

    Write-Output "Promptwall $installed installed at $exe"
    exit 0
}
catch {
    exit 1
}
