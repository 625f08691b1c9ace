using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace M2M.Device.Compat;

internal static class Parsing
{
    public static CSharpParseOptions Options(LanguageVersion version) =>
        new(version, DocumentationMode.None, SourceCodeKind.Regular);

    /// <summary>
    /// The language version named by the .nfproj's LangVersion; "default" (what the projects use) is
    /// the compiler's default, as for the MSBuild C# compiler the nanoFramework extension runs.
    /// </summary>
    public static LanguageVersion LanguageVersionOf(NanoProject project) =>
        LanguageVersionFacts.TryParse(project.LanguageVersion, out var version) ? version : LanguageVersion.Default;
}
