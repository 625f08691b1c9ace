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

    public static GateDiagnostic From(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetMappedLineSpan();
        var file = span.IsValid && !string.IsNullOrEmpty(span.Path) ? span.Path : "(no file)";
        return new GateDiagnostic(
            file,
            span.StartLinePosition.Line + 1,
            span.StartLinePosition.Character + 1,
            diagnostic.Id,
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    public string Format(string relativeTo) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{(Path.IsPathRooted(File) ? Path.GetRelativePath(relativeTo, File) : File)}({Line},{Column}): error {Id}: {Message}");
}
