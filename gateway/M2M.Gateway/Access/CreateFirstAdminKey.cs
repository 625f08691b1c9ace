using M2M.Gateway.Admin;
using M2M.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Access;

/// <summary>
/// At start, when the registry has no admin key, creates one and prints it once on standard output:
/// the one documented exception to "never print a secret" (docs/admin-api.md), since an operator
/// who starts a new gateway needs a first key and nothing else could hand it over. It goes to the
/// console directly, not through the logger, so it reaches no log sink.
/// </summary>
/// <remarks>
/// The bootstrap key is a global admin named <see cref="Name"/>; once another global admin key
/// exists it can be revoked like any other (docs/admin-api.md, "API keys").
/// </remarks>
internal sealed class CreateFirstAdminKey(ApiKeyStore store, IOptions<AdminOptions> options, DataDirectory dataDirectory) : IHostedService
{
    /// <summary>The bootstrap key's name.</summary>
    public const string Name = "bootstrap";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await store.CountAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            return;
        }

        var created = await store.CreateAsync(Name, [AccessRoles.Admin], null, null, cancellationToken).ConfigureAwait(false);
        var key = (created.Key.Id, Key: created.Secret);
        Console.Out.WriteLine(
            $"""

            First admin API key ({key.Id}), shown only this once; store it now:

                {key.Key}

            Use it as "Authorization: Bearer <key>" or: m2m --admin-key <key> device list

            """);
        await Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);

        if (options.Value.InitialKeyFile is { Length: > 0 } file)
        {
            await WriteOwnerOnlyAsync(dataDirectory.Combine(file), key.Key, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task WriteOwnerOnlyAsync(string path, string key, CancellationToken cancellationToken)
    {
        // An existing file is narrowed to owner-only before the key is written into it.
        var stream = PrivateFile.Open(path, FileMode.Create, FileAccess.Write);
        await using (stream.ConfigureAwait(false))
        {
            var writer = new StreamWriter(stream);
            await using (writer.ConfigureAwait(false))
            {
                await writer.WriteLineAsync(key.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
