using Dapper;
using Doctolib.Telehealth.Billing.Storage;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>Reads billing rows back for assertions.</summary>
internal static class ChargeReader
{
    public static async Task<ChargeRow> ChargeAsync(this NpgsqlDataSource dataSource, Guid appointmentId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<ChargeRow>("SELECT * FROM billing.charges WHERE appointment_id = @appointmentId", new { appointmentId });
    }

    public static async Task<ChargeRow> ChargeAsyncById(this NpgsqlDataSource dataSource, Guid id)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<ChargeRow>("SELECT * FROM billing.charges WHERE id = @id", new { id });
    }

    public static async Task<List<(string Kind, long Amount)>> LedgerAsync(this NpgsqlDataSource dataSource, Guid appointmentId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<(string, long)>(
            "SELECT kind, amount FROM billing.ledger_entries WHERE appointment_id = @appointmentId ORDER BY id", new { appointmentId })).AsList();
    }

    public static async Task<long> CountAsync(this NpgsqlDataSource dataSource, string sql, object? args = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }
}
