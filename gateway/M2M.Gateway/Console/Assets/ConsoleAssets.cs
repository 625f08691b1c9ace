using System.Reflection;
using M2M.Gateway.OperatorConsole.SignIn;

namespace M2M.Gateway.OperatorConsole.Assets;

/// <summary>
/// The console's style sheet and script, compiled into the gateway (embedded resources): nothing to
/// download, build or deploy beside it, whatever folder the gateway runs from. The style sheet is
/// public (the sign-in page needs it); the script is for signed-in users only.
/// </summary>
internal static class ConsoleAssets
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var css = Read("console.css");
        var js = Read("console.js");
        endpoints.MapGet(ConsoleExtensions.BasePath + "/assets/console.css", () => Results.Bytes(css, "text/css; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapGet(ConsoleExtensions.BasePath + "/assets/console.js", () => Results.Bytes(js, "text/javascript; charset=utf-8"))
            .RequireAuthorization(ConsolePolicies.SignedIn).ExcludeFromDescription();
    }

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("M2M.Gateway.OperatorConsole.Assets." + name)
            ?? throw new InvalidOperationException($"The console asset {name} is not embedded in the gateway.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
