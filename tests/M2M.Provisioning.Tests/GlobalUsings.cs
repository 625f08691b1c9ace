global using Xunit;

// The stand-in nanoff is a POSIX shell script, and the tests check Unix file modes.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
