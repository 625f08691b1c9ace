using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace M2M.Device.Compat;

/// <summary>
/// Compiles the reference declarations (one folder per nanoFramework assembly under
/// firmware/nanoFramework.Reference) into in-memory, metadata-only reference assemblies.
/// mscorlib is compiled with no standard library at all, so nothing from .NET leaks in; every other
/// assembly is compiled against mscorlib and the assemblies named in its references.txt.
/// </summary>
public sealed class ReferenceDeclarations(string root)
{
    public const string CoreLibrary = "mscorlib";
    public const string DependencyFile = "references.txt";

    private readonly Dictionary<string, CompiledReference> _compiled = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _compiling = new(StringComparer.OrdinalIgnoreCase);

    public string Root { get; } = Path.GetFullPath(root);

    public bool Has(string assemblyName) => Directory.Exists(Path.Combine(Root, assemblyName));

    /// <summary>The reference assembly for <paramref name="assemblyName"/>, with the errors met compiling it (and its dependencies).</summary>
    public CompiledReference Get(string assemblyName)
    {
        if (_compiled.TryGetValue(assemblyName, out var known))
        {
            return known;
        }

        if (!_compiling.Add(assemblyName))
        {
            throw new InvalidOperationException($"The reference declarations depend on each other in a cycle through {assemblyName}.");
        }

        var compiled = Compile(assemblyName);
        _compiling.Remove(assemblyName);
        _compiled[assemblyName] = compiled;
        return compiled;
    }

    private CompiledReference Compile(string assemblyName)
    {
        var folder = Path.Combine(Root, assemblyName);
        var diagnostics = new List<GateDiagnostic>();
        var references = new List<MetadataReference>();
        foreach (var dependency in Dependencies(assemblyName, folder))
        {
            if (!Has(dependency))
            {
                diagnostics.Add(new GateDiagnostic(Path.Combine(folder, DependencyFile), 1, 1, GateDiagnostic.ReferenceWithoutDeclarations,
                    $"The declarations of {assemblyName} depend on {dependency}, which has no reference declarations."));
                continue;
            }

            var compiledDependency = Get(dependency);
            diagnostics.AddRange(compiledDependency.Diagnostics);
            if (compiledDependency.Reference is not null)
            {
                references.Add(compiledDependency.Reference);
            }
        }

        var trees = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file), Parsing.Options(LanguageVersion.Latest), file))
            .ToList();
        var compilation = CSharpCompilation.Create(
            assemblyName,
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));

        using var image = new MemoryStream();
        var result = compilation.Emit(image, options: new EmitOptions(metadataOnly: true));
        diagnostics.AddRange(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(GateDiagnostic.From));
        return new CompiledReference(
            assemblyName,
            result.Success ? MetadataReference.CreateFromImage(image.ToArray(), filePath: assemblyName + ".dll") : null,
            diagnostics.Distinct().ToList());
    }

    private static IEnumerable<string> Dependencies(string assemblyName, string folder)
    {
        if (string.Equals(assemblyName, CoreLibrary, StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var file = Path.Combine(folder, DependencyFile);
        var listed = File.Exists(file)
            ? File.ReadAllLines(file).Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#'))
            : [];
        return [CoreLibrary, .. listed];
    }
}

/// <summary>A compiled reference assembly; <see cref="Reference"/> is null when its declarations do not compile.</summary>
public sealed record CompiledReference(string Name, MetadataReference? Reference, IReadOnlyList<GateDiagnostic> Diagnostics);
