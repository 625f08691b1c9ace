using Npgsql;

namespace M2M.Gateway.Cluster;

/// <summary>
/// One part's schema on the shared PostgreSQL database, brought up to date once per process
/// (<see cref="PostgresMigrations.ApplyAsync"/>) before the part's first statement, and again after
/// a failure (the database was unreachable): a store calls <see cref="EnsureAsync"/> before it
/// opens a connection, so it never runs on a missing or newer schema.
/// </summary>
public sealed class PostgresSchema(NpgsqlDataSource dataSource, string part, IReadOnlyList<string> steps) : IDisposable
{
    private readonly SemaphoreSlim _migrating = new(1, 1);
    private volatile bool _ready;

    /// <summary>The data source the part's tables are in.</summary>
    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>The version this gateway writes.</summary>
    public int Version => steps.Count;

    /// <summary>Applies the part's missing steps, the first time only.</summary>
    /// <exception cref="InvalidOperationException">A newer gateway migrated the part.</exception>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _migrating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_ready)
            {
                await PostgresMigrations.ApplyAsync(dataSource, part, steps, cancellationToken).ConfigureAwait(false);
                _ready = true;
            }
        }
        finally
        {
            _migrating.Release();
        }
    }

    /// <summary>A connection to the migrated part.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _migrating.Dispose();
}
