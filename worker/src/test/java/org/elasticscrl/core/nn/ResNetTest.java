package org.elasticscrl.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.elasticscrl.core.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Names, shapes and parameter counts equal torchvision's (fixture from torchvision 0.14). */
class ResNetTest {
    @ParameterizedTest
    @ValueSource(ints = {18, 34, 50, 101})
    void stateDictKeysShapesAndCountsEqualTorchvision(int depth) {
        JsonNode expected = Fixtures.json("resnet_state_dict.json").get("models").get("resnet" + depth);
        ResNet net = ResNet.create(depth, 64, ResNet.Stem.IMAGENET, true);

        List<String> keys = net.stateDictKeys();
        List<String> expectedKeys = new ArrayList<>();
        expected.get("keys").forEach(k -> expectedKeys.add(k.asText()));
        assertEquals(expectedKeys, keys);

        List<TorchModule.Named> tensors = new ArrayList<>(net.namedParameters());
        tensors.addAll(net.namedBuffers());
        for (TorchModule.Named t : tensors) {
            int i = expectedKeys.indexOf(t.name());
            JsonNode shape = expected.get("shapes").get(i);
            long[] dims = new long[shape.size()];
            for (int d = 0; d < dims.length; d++) {
                dims[d] = shape.get(d).asLong();
            }
            assertEquals(new Shape(dims), t.shape(), t.name());
        }

        long count = net.namedParameters().stream().mapToLong(TorchModule.Named::size).sum();
        assertEquals(expected.get("parameters").asLong(), count);
        assertEquals(depth >= 50 ? 2048 : 512, net.featureDim());
    }

    @ParameterizedTest
    @ValueSource(ints = {50})
    void resnet50WithoutFcHasTheDocumentedCount(int depth) {
        ResNet net = ResNet.create(depth, 64, ResNet.Stem.IMAGENET, true);
        assertEquals(23_508_032L, net.namedParameters().stream().mapToLong(TorchModule.Named::size).sum());
    }
}
