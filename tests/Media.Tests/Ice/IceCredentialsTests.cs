using Doctolib.Telehealth.Media.Ice;

namespace Doctolib.Telehealth.Media.Tests.Ice;

public sealed class IceCredentialsTests
{
    [Fact]
    public void Generate_GivesLongEnoughIceCharacterStringsThatDiffer()
    {
        var seen = new HashSet<string>();
        for (int i = 0; i < 100; i++)
        {
            IceCredentials credentials = IceCredentials.Generate();
            Assert.InRange(credentials.Ufrag.Length, 4, 256);
            Assert.InRange(credentials.Password.Length, 22, 256);
            Assert.Matches("^[A-Za-z0-9+/]+$", credentials.Ufrag);
            Assert.Matches("^[A-Za-z0-9+/]+$", credentials.Password);
            Assert.True(seen.Add(credentials.Ufrag));
        }
    }

    [Fact]
    public void ToString_DoesNotRevealThePassword()
    {
        IceCredentials credentials = IceCredentials.Generate();

        Assert.DoesNotContain(credentials.Password, credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CandidatePriority_HostUdp_MatchesTheRfcFormula()
    {
        Assert.Equal(2130706431u, IceCandidatePriority.Compute(IceCandidatePriority.HostTypePreference, 65535, 1));
    }
}
