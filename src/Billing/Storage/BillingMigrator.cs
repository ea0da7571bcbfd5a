using DbUp;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Storage;

/// <summary>Creates and upgrades the <c>billing</c> schema from the embedded scripts; its journal lives in that schema.</summary>
internal static class BillingMigrator
{
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        // Several instances may start at once: one migrates while the others wait on the advisory lock.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_lock(7452001); CREATE SCHEMA IF NOT EXISTS billing", connection))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            Upgrade(dataSource);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(7452001)", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static void Upgrade(NpgsqlDataSource dataSource)
    {
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(new DbUp.Postgresql.PostgresqlConnectionManager(dataSource))
            .JournalToPostgresqlTable("billing", "schema_versions")
            .WithScriptsEmbeddedInAssembly(typeof(BillingMigrator).Assembly, name => name.Contains(".Storage.Scripts.", StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build();
        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException("billing schema migration failed", result.Error);
        }
    }
}
