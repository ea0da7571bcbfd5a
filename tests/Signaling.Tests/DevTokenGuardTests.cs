using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Doctolib.Telehealth.Signaling.Tests;

/// <summary><c>POST /dev/tokens</c> hands anyone a token for any role: the server refuses to start with it on outside
/// Development (and the tests' own environments).</summary>
public sealed class DevTokenGuardTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("eu-prod")]
    public void DevTokens_OutsideDevelopment_RefuseToStart(string environment)
    {
        var builder = Builder(environment, devTokens: true);
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddTelehealthAuth());
        Assert.Contains("Auth:DevTokens", error.Message, StringComparison.Ordinal);
        Assert.Contains(environment, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Testing")]
    [InlineData("EndToEnd")]
    public void DevTokens_InDevelopmentAndTheTests_Start(string environment)
    {
        var builder = Builder(environment, devTokens: true);
        builder.AddTelehealthAuth();
        Assert.NotNull(builder.Build());
    }

    [Fact]
    public void NoDevTokens_InProduction_Starts()
    {
        var builder = Builder("Production", devTokens: false);
        builder.AddTelehealthAuth();
        Assert.NotNull(builder.Build());
    }

    private static WebApplicationBuilder Builder(string environment, bool devTokens)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:DevTokens"] = devTokens ? "true" : "false",
            ["Auth:SigningKey"] = Support.TelehealthApp.SigningKey,
        });
        return builder;
    }
}
