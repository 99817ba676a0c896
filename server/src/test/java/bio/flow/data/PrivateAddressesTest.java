package bio.flow.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which addresses FLOW_IMPORT_REFUSE_PRIVATE_ADDRESSES refuses (by literal, so no DNS is asked). */
class PrivateAddressesTest {
    @Test
    void theServersOwnNetworksAreRefusedAndTheInternetIsNot() throws Exception {
        for (String refused : List.of("127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
                "0.1.2.3", "100.64.0.1", "100.127.255.254", "224.0.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1",
                "::ffff:10.0.0.1", "ff02::1")) {
            assertThat(ImportSources.isPrivate(InetAddress.getByName(refused))).as(refused).isTrue();
        }
        for (String allowed : List.of("8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.32.0.1", "2001:4860:4860::8888")) {
            assertThat(ImportSources.isPrivate(InetAddress.getByName(allowed))).as(allowed).isFalse();
        }
    }
}
