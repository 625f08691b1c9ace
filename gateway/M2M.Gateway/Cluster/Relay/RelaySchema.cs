namespace M2M.Gateway.Cluster.Relay;

/// <summary>
/// The relay's tables in the shared PostgreSQL database, part <c>relay</c> of
/// <see cref="PostgresMigrations"/> (docs/sinks.md, "Cluster mode"). Only ever append a step.
/// </summary>
internal static class RelaySchema
{
    public const string Part = "relay";

    public static IReadOnlyList<string> Steps { get; } =
    [
        """
        CREATE TABLE m2m_relay_positions (sink text PRIMARY KEY, position bigint NOT NULL, saved_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE m2m_relay_dead_letters (
            id bigserial PRIMARY KEY, sink text NOT NULL, position bigint NOT NULL, attempts integer NOT NULL,
            error text NOT NULL, failed_at bigint NOT NULL, queued boolean NOT NULL DEFAULT false, event text NOT NULL,
            UNIQUE (sink, position));
        CREATE TABLE m2m_relay_batches (first bigint PRIMARY KEY, last bigint NOT NULL, signature text NOT NULL);
        CREATE TABLE m2m_relay_leases (name text PRIMARY KEY, node text NOT NULL, since timestamptz NOT NULL DEFAULT now());
        """,
    ];
}
