@echo off
rem Promptwall native-messaging host: the browser starts this with the extension's origin.
"%~dp0promptwall.exe" native-host %*
