using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace M2M.Device.Compat;

/// <summary>
/// Checks one .nfproj the way the nanoFramework toolchain would build it, in order:
/// check the test assembly's name, find unlisted files, resolve references, compile referenced
/// projects, compile the sources.
/// </summary>
public sealed class CompatibilityGate(ReferenceDeclarations declarations)
{
    private readonly Dictionary<string, (MetadataReference? Reference, IReadOnlyList<GateDiagnostic> Diagnostics)> _projects =
        new(StringComparer.Ordinal);

    public GateResult Check(string projectPath)
    {
        var project = NanoProject.Load(projectPath);
        var diagnostics = new List<GateDiagnostic>();
        diagnostics.AddRange(CheckTestAssemblyName(project));
        diagnostics.AddRange(FindUnlistedFiles(project));
        var references = ResolveReferences(project, diagnostics);
        references.AddRange(CompileProjectReferences(project, diagnostics));
        var (reference, sourceDiagnostics) = CompileSources(project, references);
        diagnostics.AddRange(sourceDiagnostics);
        return new GateResult(project, diagnostics.Distinct().ToList()) { Reference = reference };
    }

    /// <summary>
    /// nanoFramework.TestFramework's launcher (source/UnitTestLauncher/Program.cs, UnitTestLauncher.Main)
    /// starts with Assembly.Load("NFUnitTest"): a test project built under any other name runs no test
    /// on a board or nanoCLR, and nothing reports it.
    /// </summary>
    private static IEnumerable<GateDiagnostic> CheckTestAssemblyName(NanoProject project)
    {
        if (project.IsTestProject && !string.Equals(project.Name, NanoProject.TestAssemblyName, StringComparison.Ordinal))
        {
            yield return new GateDiagnostic(project.Path, project.NameLine, 1, GateDiagnostic.TestAssemblyName,
                $"test project assembly is named '{project.Name}': nanoFramework's test launcher loads only an assembly named {NanoProject.TestAssemblyName} (Assembly.Load(\"{NanoProject.TestAssemblyName}\")), so no test would run on a board. Set <AssemblyName>{NanoProject.TestAssemblyName}</AssemblyName>.");
        }
    }

    /// <summary>The toolchain builds only the listed Compile items: a .cs file in the folder that is not listed never reaches the board.</summary>
    private static IEnumerable<GateDiagnostic> FindUnlistedFiles(NanoProject project)
    {
        var listed = new HashSet<string>(project.CompileFiles, StringComparer.Ordinal);
        foreach (var file in project.CompileFiles.Where(file => !File.Exists(file)))
        {
            yield return new GateDiagnostic(project.Path, project.LineOf(file), 1, GateDiagnostic.MissingFile,
                $"<Compile Include> names {file}, which does not exist.");
        }

        foreach (var file in Directory.EnumerateFiles(project.Directory, "*.cs", SearchOption.AllDirectories)
            .Where(file => !IsBuildOutput(project.Directory, file) && !listed.Contains(file))
            .Order(StringComparer.Ordinal))
        {
            yield return new GateDiagnostic(file, 1, 1, GateDiagnostic.FileNotInProject,
                $"{Path.GetFileName(file)} is not a <Compile Include> item of {Path.GetFileName(project.Path)}: the nanoFramework build would leave it out.");
        }
    }

    private static bool IsBuildOutput(string projectDirectory, string file) =>
        Path.GetRelativePath(projectDirectory, file).Split(Path.DirectorySeparatorChar)
            .Any(part => part is "bin" or "obj");

    private List<MetadataReference> ResolveReferences(NanoProject project, List<GateDiagnostic> diagnostics)
    {
        var references = new List<MetadataReference>();
        foreach (var name in project.References)
        {
            if (!declarations.Has(name))
            {
                diagnostics.Add(new GateDiagnostic(project.Path, project.LineOf(name), 1, GateDiagnostic.ReferenceWithoutDeclarations,
                    $"<Reference Include=\"{name}\"> has no reference declarations (no folder {name} in {RepositoryLayout.DeclarationsFolder}): add them from the nanoFramework sources (docs/compatibility-gate.md)."));
                continue;
            }

            var compiled = declarations.Get(name);
            diagnostics.AddRange(compiled.Diagnostics);
            if (compiled.Reference is not null)
            {
                references.Add(compiled.Reference);
            }
        }

        return references;
    }

    private List<MetadataReference> CompileProjectReferences(NanoProject project, List<GateDiagnostic> diagnostics)
    {
        var references = new List<MetadataReference>();
        foreach (var path in project.ProjectReferences)
        {
            if (!File.Exists(path))
            {
                diagnostics.Add(new GateDiagnostic(project.Path, project.LineOf(path), 1, GateDiagnostic.MissingFile,
                    $"<ProjectReference Include> names {path}, which does not exist."));
                continue;
            }

            if (!_projects.TryGetValue(path, out var compiled))
            {
                var referenced = Check(path);
                compiled = (referenced.Reference, referenced.Diagnostics);
                _projects[path] = compiled;
            }

            diagnostics.AddRange(compiled.Diagnostics);
            if (compiled.Reference is not null)
            {
                references.Add(compiled.Reference);
            }
        }

        return references;
    }

    /// <summary>
    /// A full emit, not just binding: lowering (lock, foreach, string interpolation, async) needs
    /// well-known members of mscorlib, and only emit reports the ones nanoFramework lacks.
    /// </summary>
    private static (MetadataReference? Reference, IReadOnlyList<GateDiagnostic> Diagnostics) CompileSources(
        NanoProject project, List<MetadataReference> references)
    {
        var parseOptions = Parsing.Options(Parsing.LanguageVersionOf(project));
        var trees = project.CompileFiles
            .Where(File.Exists)
            .Select(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file), parseOptions, file))
            .ToList();
        var compilation = CSharpCompilation.Create(
            project.Name,
            trees,
            references,
            new CSharpCompilationOptions(
                // An application must have the static Main the nanoFramework runtime starts.
                project.IsExecutable ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable));

        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var diagnostics = result.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(GateDiagnostic.From)
            .Concat(FindGenericDeclarations(trees))
            .ToList();
        return (result.Success ? MetadataReference.CreateFromImage(image.ToArray(), filePath: project.Name + ".dll") : null, diagnostics);
    }

    /// <summary>
    /// The reference declarations hold no generic type, so using one fails to compile; declaring one
    /// compiles, but the nanoFramework 1.x runtime and MetadataProcessor do not support generics.
    /// </summary>
    private static IEnumerable<GateDiagnostic> FindGenericDeclarations(IEnumerable<SyntaxTree> trees) =>
        trees.SelectMany(tree => tree.GetRoot().DescendantNodes().OfType<TypeParameterListSyntax>())
            .Select(list => GateDiagnostic.At(
                list.GetLocation(),
                GateDiagnostic.GenericDeclaration,
                $"'{NameOf(list.Parent)}' declares type parameters: the nanoFramework 1.x runtime does not support generics."));

    private static string NameOf(SyntaxNode? declaration) => declaration switch
    {
        BaseTypeDeclarationSyntax type => type.Identifier.Text,
        MethodDeclarationSyntax method => method.Identifier.Text,
        DelegateDeclarationSyntax @delegate => @delegate.Identifier.Text,
        LocalFunctionStatementSyntax function => function.Identifier.Text,
        _ => "?",
    };
}

/// <summary>The outcome for one project: passed when there is no diagnostic at all.</summary>
public sealed record GateResult(NanoProject Project, IReadOnlyList<GateDiagnostic> Diagnostics)
{
    public bool Passed => Diagnostics.Count == 0;

    public MetadataReference? Reference { get; init; }
}
