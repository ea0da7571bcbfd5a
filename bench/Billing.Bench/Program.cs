using System.Diagnostics;
using Dapper;
using Doctolib.Telehealth.Billing;
using Doctolib.Telehealth.Billing.Processing;
using Doctolib.Telehealth.Billing.Reconciliation;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.StripeEmulator;
using Doctolib.Telehealth.TestInfrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

// Billing benchmarks against the Stripe emulator on 127.0.0.1 and a throwaway PostgreSQL:
//   1. ConsultationEnded committed -> capture stored, p50/p99 over N consultations (hosted worker, NOTIFY wake-up)
//   2. reconciliation of a payout with M balance transactions (auto-pagination, 100 per page)
var consultations = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1000;
var balanceTransactions = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
var ratePerSecond = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 100;
using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(8));
var ct = overall.Token;

var server = await PostgresServer.GetAsync();
await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync("billingbench"));
await using var stripe = await StripeEmulatorServer.StartAsync(cancellationToken: ct);
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["STRIPE_SECRET_KEY"] = StripeEmulatorServer.ApiKey,
    ["Billing:Stripe:ApiBase"] = stripe.BaseUrl,
    ["Billing:Worker:Enabled"] = "true",
    ["Billing:Worker:Concurrency"] = "4",
}).Build();
var services = new ServiceCollection();
services.AddSingleton(dataSource);
services.AddSingleton(TimeProvider.System);
services.AddLogging(b => b.AddSimpleConsole().AddFilter((category, level) => category?.Contains("Reconciler", StringComparison.Ordinal) == true && level >= Microsoft.Extensions.Logging.LogLevel.Information));
services.AddBilling(configuration);
await using var provider = services.BuildServiceProvider();
await provider.MigrateBillingAsync(ct);
var handler = provider.GetRequiredService<ConsultationEventHandler>();

async Task DeliverAsync(ConsultationEvent e)
{
    await using var connection = await dataSource.OpenConnectionAsync(ct);
    await using var tx = await connection.BeginTransactionAsync(ct);
    await handler.HandleAsync(e, tx, ct);
    await tx.CommitAsync(ct);
}

var ids = Enumerable.Range(0, consultations).Select(_ => new AppointmentId(Guid.NewGuid())).ToArray();
var payer = new CardPayer("cus_bench", "pm_card_visa");
var price = new Money(2500, "EUR");
foreach (var service in provider.GetServices<IHostedService>())
{
    await service.StartAsync(ct);
}

// Authorise everyone first (admission), then wait until every hold is in place.
foreach (var id in ids)
{
    await DeliverAsync(new PatientAdmitted(id, DateTimeOffset.UtcNow, new PersonId("pa"), new PersonId("pr"), price, payer));
}
await WaitForAsync("SELECT count(*) FROM billing.charges WHERE status = 'authorized'", consultations);

// End the consultations at a steady rate and measure ended_event_at -> captured ledger entry.
var pacing = Stopwatch.StartNew();
for (var i = 0; i < ids.Length; i++)
{
    var due = TimeSpan.FromSeconds((double)i / ratePerSecond);
    if (pacing.Elapsed < due)
    {
        await Task.Delay(due - pacing.Elapsed, ct);
    }
    await DeliverAsync(new ConsultationEnded(ids[i], DateTimeOffset.UtcNow, new PersonId("pa"), new PersonId("pr"), price, payer,
        DateTimeOffset.UtcNow.AddMinutes(-5), EndReason.EndedByPractitioner, true, null, TimeSpan.FromMinutes(5)));
}
await WaitForAsync("SELECT count(*) FROM billing.charges WHERE status = 'captured'", consultations);
foreach (var service in provider.GetServices<IHostedService>())
{
    await service.StopAsync(ct);
}
double[] latencies;
await using (var connection = await dataSource.OpenConnectionAsync(ct))
{
    latencies = (await connection.QueryAsync<double>("""
        SELECT extract(epoch FROM (l.at - c.ended_event_at)) * 1000
        FROM billing.charges c JOIN billing.ledger_entries l ON l.charge_id = c.id AND l.kind = 'captured'
        """)).OrderBy(x => x).ToArray();
}
Console.WriteLine($"capture latency over {latencies.Length} consultations ended at {ratePerSecond}/s: " +
    $"p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, max {latencies[^1]:F1} ms; " +
    $"captures at the emulator: {stripe.TotalCaptures}");

// Reconciliation: one payout holding M balance transactions, each with a ledger capture.
var payout = stripe.CreateEmptyPayout("eur");
var sources = new string[balanceTransactions];
for (var i = 0; i < balanceTransactions; i++)
{
    sources[i] = $"ch_bench_{i:D7}";
    stripe.PlantBalanceTransaction(payout, "charge", sources[i], 1000 + i % 500, "eur", 40);
}
await using (var connection = await dataSource.OpenConnectionAsync(ct))
{
    await connection.ExecuteAsync("""
        INSERT INTO billing.ledger_entries (kind, amount, currency, reference, external_ref, at)
        SELECT 'captured', 1000 + (g % 500), 'EUR', 'pi_bench_' || g, 'ch_bench_' || lpad(g::text, 7, '0'), now()
        FROM generate_series(0, @last) AS g
        """, new { last = balanceTransactions - 1 });
}
var listing = Stopwatch.StartNew();
var listed = 0;
await foreach (var _ in provider.GetRequiredService<Doctolib.Telehealth.Billing.Payments.IPaymentProvider>().ListBalanceTransactionsAsync(payout, null, null, ct))
{
    listed++;
}
listing.Stop();
Console.WriteLine($"listing alone (Stripe.net auto-pagination against the emulator): {listed} in {listing.Elapsed.TotalSeconds:F2} s");
var reconciler = provider.GetRequiredService<Reconciler>();
var timer = Stopwatch.StartNew();
var report = await reconciler.RunAsync(payout, null, null, "bench", ct);
timer.Stop();
Console.WriteLine($"reconciliation of {report.Summary.BalanceTransactions} balance transactions: {timer.Elapsed.TotalSeconds:F2} s " +
    $"({report.Summary.Matched} matched, {report.Summary.MissingFromLedger} missing from ledger, " +
    $"{report.Summary.MissingFromStripe} missing from Stripe, {report.Summary.AmountMismatches} mismatched, {stripe.RequestCount} API requests in all)");
return 0;

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

async Task WaitForAsync(string sql, int expected)
{
    var wait = Stopwatch.StartNew();
    while (true)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var count = await connection.ExecuteScalarAsync<long>(sql);
        if (count >= expected)
        {
            return;
        }
        if (wait.Elapsed > TimeSpan.FromMinutes(3))
        {
            throw new TimeoutException($"only {count} of {expected} after {wait.Elapsed}");
        }
        await Task.Delay(50, ct);
    }
}
