global using Xunit;

// The stand-in nanoff is a POSIX shell script, and the tests check Unix file modes. This tells the
// platform analyzer; each test class says [SupportedOSPlatform("linux")] too, which is what makes
// Xunit.SkippableFact report its tests as skipped, not passed, elsewhere.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
