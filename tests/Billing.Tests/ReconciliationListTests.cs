using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary><c>GET /api/billing/reconciliations</c>: past runs, newest first, with their scope, author and counts.</summary>
public sealed class ReconciliationListTests : IAsyncLifetime
{
    private BillingApp app = null!;

    public async Task InitializeAsync() => app = await BillingApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task List_TwoRuns_NewestFirstWithScopeAuthorAndCounts()
    {
        var c = Consultation.Card();
        await app.CapturedAsync(c);
        var payout = app.Stripe.CreatePayout("eur");
        using var alice = await app.ClientAsync("billing-alice", "billing");
        using var bob = await app.ClientAsync("billing-bob", "billing");
        var first = await (await alice.PostAsJsonAsync("/api/billing/reconciliations", new { payoutId = payout })).Content.ReadFromJsonAsync<JsonElement>();
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var from = app.Time.GetUtcNow().AddDays(-1);
        var second = await (await bob.PostAsJsonAsync("/api/billing/reconciliations", new { from, to = from.AddDays(2) })).Content.ReadFromJsonAsync<JsonElement>();

        var runs = (await alice.GetFromJsonAsync<JsonElement>("/api/billing/reconciliations")).EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        Assert.Equal(second.GetProperty("id").GetGuid(), runs[0].GetProperty("id").GetGuid());
        Assert.Equal("range", runs[0].GetProperty("scope").GetString());
        Assert.Equal("billing-bob", runs[0].GetProperty("requestedBy").GetString());
        Assert.Equal(JsonValueKind.Null, runs[0].GetProperty("payoutId").ValueKind);
        Assert.Equal(first.GetProperty("id").GetGuid(), runs[1].GetProperty("id").GetGuid());
        Assert.Equal("payout", runs[1].GetProperty("scope").GetString());
        Assert.Equal(payout, runs[1].GetProperty("payoutId").GetString());
        Assert.Equal("billing-alice", runs[1].GetProperty("requestedBy").GetString());
        Assert.Equal(1, runs[1].GetProperty("summary").GetProperty("matched").GetInt32());
        Assert.Equal(0, runs[1].GetProperty("summary").GetProperty("amountMismatches").GetInt32());
        Assert.True(runs[0].GetProperty("createdAt").GetDateTimeOffset() > runs[1].GetProperty("createdAt").GetDateTimeOffset());
        Assert.False(runs[0].TryGetProperty("items", out _));

        var limited = await alice.GetFromJsonAsync<JsonElement>("/api/billing/reconciliations?limit=1");
        Assert.Equal(second.GetProperty("id").GetGuid(), Assert.Single(limited.EnumerateArray()).GetProperty("id").GetGuid());
        var bad = await alice.GetAsync("/api/billing/reconciliations?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("urn:telehealth:problem:invalid-limit", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
