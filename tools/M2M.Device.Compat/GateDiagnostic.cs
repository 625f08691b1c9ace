using System.Globalization;
using Microsoft.CodeAnalysis;

namespace M2M.Device.Compat;

/// <summary>One finding, printed the way compilers print them: <c>file(line,col): error ID: message</c>.</summary>
public sealed record GateDiagnostic(string File, int Line, int Column, string Id, string Message)
{
    /// <summary>A .cs file in the project folder that the .nfproj does not list: it would not be built for the board.</summary>
    public const string FileNotInProject = "NFG001";

    /// <summary>A &lt;Reference&gt; for which firmware/nanoFramework.Reference has no declarations.</summary>
    public const string ReferenceWithoutDeclarations = "NFG002";

    /// <summary>A &lt;Compile&gt; or &lt;ProjectReference&gt; item that points to no file.</summary>
    public const string MissingFile = "NFG003";

    /// <summary>A generic type or method declared in the device code: Roslyn compiles it, the nanoFramework 1.x runtime cannot run it.</summary>
    public const string GenericDeclaration = "NFG004";

    /// <summary>
    /// A nanoFramework test project whose assembly is not named NFUnitTest: the test launcher loads the
    /// tests with Assembly.Load("NFUnitTest"), so on a board or nanoCLR no test would run, silently.
    /// </summary>
    public const string TestAssemblyName = "NFG005";

    public static GateDiagnostic From(Diagnostic diagnostic) =>
        At(diagnostic.Location, diagnostic.Id, diagnostic.GetMessage(CultureInfo.InvariantCulture));

    public static GateDiagnostic At(Location location, string id, string message)
    {
        var span = location.GetMappedLineSpan();
        var file = span.IsValid && !string.IsNullOrEmpty(span.Path) ? span.Path : "(no file)";
        return new GateDiagnostic(file, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, id, message);
    }

    public string Format(string relativeTo) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{(Path.IsPathRooted(File) ? Path.GetRelativePath(relativeTo, File) : File)}({Line},{Column}): error {Id}: {Message}");
}
