using System.CommandLine;
using M2M.Cli;

namespace M2M.Provisioning.Tests.Support;

/// <summary>Runs the m2m command tree in process and captures what it prints.</summary>
public static class M2mCommand
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).ConfigureAwait(false);
        return new Result(exit, output.ToString(), error.ToString());
    }
}
