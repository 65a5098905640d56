import PimsimCore
import PimsimSim
import XCTest

/// The two-layer example worked by hand in docs/cost-model.md ("Worked example").
final class HandComputedExampleTests: XCTestCase {
    static let config = """
    {
      "name": "hand", "description": "docs/cost-model.md worked example",
      "array": {
        "rows": {"value": 8, "unit": "rows", "source": "assumption: example"},
        "columns": {"value": 8, "unit": "columns", "source": "assumption: example"},
        "cells_per_ternary_weight": {"value": 2, "unit": "cells", "source": "assumption: example"},
        "bits_per_cell": {"value": 1, "unit": "bits", "source": "assumption: example"},
        "input_encoding": {"value": "bipolar", "source": "assumption: example"},
        "input_bits_per_cycle": {"value": 1, "unit": "bits", "source": "assumption: example"},
        "cycle_ns": {"value": 10, "unit": "ns", "source": "assumption: example"}
      },
      "readout": {
        "kinds": {"value": "sense_amp_or_adc", "source": "assumption: example"},
        "adc_resolution_rule": {"value": "lossless", "source": "assumption: example"},
        "adc_sharing": {"value": 4, "unit": "columns", "source": "assumption: example"},
        "adc_conversion_ns": {"value": 2, "unit": "ns", "source": "assumption: example"},
        "sense_ns": {"value": 1, "unit": "ns", "source": "assumption: example"}
      },
      "organisation": {
        "arrays_per_macro": {"value": 2, "unit": "arrays", "source": "assumption: example"},
        "macros_per_tile": {"value": 1, "unit": "macros", "source": "assumption: example"}
      },
      "digital": {
        "accumulator_bits": {"value": 8, "unit": "bits", "source": "assumption: example"},
        "interconnect_hops": {"value": 2, "unit": "hops", "source": "assumption: example"}
      },
      "schedule": {"mode": {"value": "layer_by_layer", "source": "assumption: example"}},
      "assumed_densities": {
        "input_nonzero": {"value": 0.5, "unit": "fraction", "source": "assumption: example"},
        "weight_nonzero": {"value": 0.75, "unit": "fraction", "source": "assumption: example"},
        "input_bit_one": {"value": 0.5, "unit": "fraction", "source": "assumption: example"}
      },
      "components": [
        {"name": "cell", "category": "cells", "per": "cell", "action": "cell_reads_on",
         "energy_pj": {"value": 0.1, "unit": "pJ", "source": "assumption: example"},
         "area_um2": {"value": 1, "unit": "um^2", "source": "assumption: example"}},
        {"name": "cell_off", "category": "cells", "per": "cell", "action": "cell_reads_off",
         "energy_pj": {"value": 0.01, "unit": "pJ", "source": "assumption: example"}},
        {"name": "driver", "category": "drivers", "per": "row", "action": "wordline_drives",
         "energy_pj": {"value": 0.2, "unit": "pJ", "source": "assumption: example"},
         "area_um2": {"value": 2, "unit": "um^2", "source": "assumption: example"}},
        {"name": "sa", "category": "sense_amps", "per": "sense_amp", "action": "comparator_decisions",
         "energy_pj": {"value": 0.05, "unit": "pJ", "source": "assumption: example"},
         "area_um2": {"value": 10, "unit": "um^2", "source": "assumption: example"}},
        {"name": "adc", "category": "adcs", "per": "adc", "action": "adc_conversions",
         "energy_pj_by_adc_bits": {"bits": [3, 4], "values": [1, 2], "unit": "pJ", "source": "assumption: example"},
         "area_um2_by_adc_bits": {"bits": [3, 4], "values": [100, 200], "unit": "um^2", "source": "assumption: example"}},
        {"name": "acc", "category": "accumulators", "per": "adc", "action": "digital_additions",
         "energy_pj": {"value": 0.03, "unit": "pJ", "source": "assumption: example"},
         "area_um2": {"value": 20, "unit": "um^2", "source": "assumption: example"}},
        {"name": "inbuf", "category": "buffers", "per": "macro", "action": "buffer_reads",
         "energy_pj": {"value": 0.1, "unit": "pJ", "source": "assumption: example"},
         "area_um2": {"value": 500, "unit": "um^2", "source": "assumption: example"},
         "static_mw": {"value": 0.5, "unit": "mW", "source": "assumption: example"}},
        {"name": "outbuf", "category": "buffers", "per": "macro", "action": "buffer_writes",
         "energy_pj": {"value": 0.2, "unit": "pJ", "source": "assumption: example"}},
        {"name": "noc", "category": "interconnect", "per": "tile", "action": "interconnect_bit_hops",
         "energy_pj": {"value": 0.5, "unit": "pJ", "source": "assumption: example"},
         "area_um2": {"value": 1000, "unit": "um^2", "source": "assumption: example"}}
      ]
    }
    """

    /// 8 ternary inputs -> fc1 (4 outputs) -> batch norm -> ternary activation -> fc2 (2 logits).
    static func network() throws -> Graph {
        var b = GraphBuilder(input: TensorShape(channels: 8, height: 1, width: 1))
        b.add("fc1", .linear(LinearAttributes(outFeatures: 4, bias: false)), precision: .ternary)
        b.add("fc1.bn", .batchNorm)
        b.add("fc1.act", .activation(.ternary))
        b.add("fc2", .linear(LinearAttributes(outFeatures: 2, bias: false)), precision: .ternary)
        return try b.build(name: "two-layer")
    }

    func testTwoLayerExampleMatchesTheHandCalculation() throws {
        let config = try HardwareConfig.parse(Self.config, file: "hand.json")
        let r = try Simulator.run(try Self.network(), on: config)
        let (fc1, fc2) = (r.layers[0], r.layers[1])
        let e = 1e-12

        XCTAssertEqual(fc1.mapping.readout, .senseAmp(comparators: 2))
        XCTAssertEqual(fc1.mapping.arrays, 1)
        XCTAssertEqual(fc1.mapping.senseAmps, 8)
        XCTAssertEqual(fc1.events.wordlineDrives, 4, accuracy: e)
        XCTAssertEqual(fc1.events.cellReadsOn, 12, accuracy: e)
        XCTAssertEqual(fc1.events.cellReadsOff, 20, accuracy: e)
        XCTAssertEqual(fc1.events.comparatorDecisions, 8, accuracy: e)
        XCTAssertEqual(fc1.events.bufferReadBits, 16, accuracy: e)
        XCTAssertEqual(fc1.events.bufferWriteBits, 8, accuracy: e)
        XCTAssertEqual(fc1.events.interconnectBitHops, 16, accuracy: e)
        XCTAssertEqual(fc1.schedule.latencyNS, 11, accuracy: e)
        XCTAssertEqual(fc1.cost.dynamicPJ, 13.8, accuracy: e)
        XCTAssertEqual(fc1.cost.staticPJ, 5.5, accuracy: e)
        XCTAssertEqual(fc1.events.idleCycles, 1.0, accuracy: e)

        XCTAssertEqual(fc2.mapping.readout, .adc(bits: 4))
        XCTAssertEqual(fc2.mapping.adcs, 2)
        XCTAssertEqual(fc2.events.wordlineDrives, 2, accuracy: e)
        XCTAssertEqual(fc2.events.cellReadsOn, 3, accuracy: e)
        XCTAssertEqual(fc2.events.cellReadsOff, 5, accuracy: e)
        XCTAssertEqual(fc2.events.adcConversionsByBits, [4: 2])
        XCTAssertEqual(fc2.events.digitalAdditions, 2, accuracy: e)
        XCTAssertEqual(fc2.events.bufferReadBits, 8, accuracy: e)
        XCTAssertEqual(fc2.events.bufferWriteBits, 16, accuracy: e)
        XCTAssertEqual(fc2.schedule.latencyNS, 10, accuracy: e)
        XCTAssertEqual(fc2.cost.dynamicPJ, 24.81, accuracy: e)
        XCTAssertEqual(fc2.cost.staticPJ, 5.0, accuracy: e)

        XCTAssertEqual(r.energyPJ, 49.11, accuracy: e)
        XCTAssertEqual(r.latencyNS, 21, accuracy: e)
        XCTAssertEqual(r.areaMM2 * 1e6, 2180, accuracy: 1e-6)
        XCTAssertEqual(r.instances.cells, 128)
    }
}
