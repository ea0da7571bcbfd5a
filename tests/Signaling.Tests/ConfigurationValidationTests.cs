using Doctolib.Telehealth.Signaling.Tests.Support;
using Doctolib.Telehealth.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Doctolib.Telehealth.Signaling.Tests;

/// <summary>Every module binds its options one way and validates them at start-up: a bad value stops the server with
/// a message that names the configuration key.</summary>
public sealed class ConfigurationValidationTests
{
    [Theory]
    [InlineData("Billing:Worker:Concurrency", "0")]
    [InlineData("Billing:Worker:PollIntervalMs", "soon")]
    [InlineData("Billing:MinimumBillableSeconds", "-5")]
    [InlineData("Billing:CaptureRetryScheduleSeconds", "5,x")]
    [InlineData("Media:UdpPort", "70000")]
    [InlineData("Media:MaxSessions", "many")]
    [InlineData("Media:BindAddress", "localhost-ish")]
    [InlineData("Rooms:ReconnectGrace", "-00:00:05")]
    [InlineData("Rooms:MaximumDuration", "forever")]
    [InlineData("Node:Id", "no spaces please")]
    [InlineData("Node:DeadAfter", "00:00:01")]
    [InlineData("Node:DrainTimeout", "-00:00:01")]
    public async Task Start_WithABadValue_FailsNamingTheKey(string key, string value)
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("config");
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("ConnectionStrings:Telehealth", connectionString);
            web.UseSetting("Auth:SigningKey", TelehealthApp.SigningKey);
            web.UseSetting("Media:UdpPort", "0");
            web.UseSetting(key, value);
        });

        var error = Assert.ThrowsAny<Exception>(() => factory.Server);

        var messages = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains(key, messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithGoodValues_Starts()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("config");
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("ConnectionStrings:Telehealth", connectionString);
            web.UseSetting("Auth:SigningKey", TelehealthApp.SigningKey);
            web.UseSetting("Media:UdpPort", "0");
            web.UseSetting("Billing:Worker:Concurrency", "3");
            web.UseSetting("Billing:CaptureRetryScheduleSeconds", "1, 2.5,60");
            web.UseSetting("Rooms:ReconnectGrace", "00:00:10");
        });

        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/healthz");

        Assert.True(response.IsSuccessStatusCode, $"/healthz answered {(int)response.StatusCode}");
    }

    private static IEnumerable<Exception> Chain(Exception error)
    {
        var pending = new Stack<Exception>([error]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
