using System.Xml;
using System.Xml.Linq;

namespace M2M.Device.Compat;

/// <summary>
/// What the nanoFramework toolchain builds from a .nfproj: its Compile items (including linked files
/// outside the project folder), the assemblies it references and the .nfproj projects it references.
/// </summary>
public sealed record NanoProject(
    string Path,
    string Name,
    string LanguageVersion,
    bool IsExecutable,
    bool IsTestProject,
    IReadOnlyList<string> CompileFiles,
    IReadOnlyList<string> References,
    IReadOnlyList<string> ProjectReferences,
    IReadOnlyDictionary<string, int> ItemLines)
{
    /// <summary>The line of the .nfproj item that names <paramref name="item"/> (a resolved path or an assembly name), for diagnostics.</summary>
    public int LineOf(string item) => ItemLines.TryGetValue(item, out var line) ? line : 1;

    /// <summary>The assembly nanoFramework.TestFramework's launcher runs the tests from.</summary>
    public const string UnitTestLauncherAssembly = "nanoFramework.UnitTestLauncher";

    /// <summary>The assembly name that launcher loads the tests from (Assembly.Load("NFUnitTest")).</summary>
    public const string TestAssemblyName = "NFUnitTest";

    /// <summary>The line of the AssemblyName element (1 when there is none), for diagnostics.</summary>
    public int NameLine { get; init; } = 1;

    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    public static NanoProject Load(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(fullPath)!;
        var document = XDocument.Load(fullPath, LoadOptions.SetLineInfo);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var elements = document.Descendants().ToList();

        string Resolve(string include) =>
            System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, include.Replace('\\', '/')));

        IReadOnlyList<string> Items(string itemName, Func<string, string> map) =>
            [.. elements
                .Where(e => e.Name.LocalName == itemName)
                .Where(e => !string.IsNullOrWhiteSpace((string?)e.Attribute("Include")))
                .Select(e =>
                {
                    var item = map((string)e.Attribute("Include")!);
                    lines.TryAdd(item, ((IXmlLineInfo)e).LineNumber);
                    return item;
                })];

        var nameElement = elements.FirstOrDefault(e => e.Name.LocalName == "AssemblyName");
        var name = nameElement?.Value ?? System.IO.Path.GetFileNameWithoutExtension(fullPath);
        var languageVersion = elements.FirstOrDefault(e => e.Name.LocalName == "LangVersion")?.Value ?? "default";
        var isExecutable = string.Equals(
            elements.FirstOrDefault(e => e.Name.LocalName == "OutputType")?.Value, "Exe", StringComparison.OrdinalIgnoreCase);
        var references = Items("Reference", include => include.Split(',')[0].Trim());

        // A test project as nanoFramework's unit-test template makes one: IsTestProject, or the
        // launcher that runs it referenced (either alone is enough to be run by the test adapter).
        var isTestProject = string.Equals(
                elements.FirstOrDefault(e => e.Name.LocalName == "IsTestProject")?.Value?.Trim(), "true", StringComparison.OrdinalIgnoreCase)
            || references.Contains(UnitTestLauncherAssembly, StringComparer.Ordinal);

        return new NanoProject(
            fullPath,
            name,
            languageVersion,
            isExecutable,
            isTestProject,
            Items("Compile", Resolve),
            references,
            Items("ProjectReference", Resolve),
            lines)
        {
            NameLine = nameElement == null ? 1 : ((IXmlLineInfo)nameElement).LineNumber,
        };
    }
}
