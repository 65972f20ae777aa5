/* The test node of tests/eth/node.sh: Hardhat's in-process network with its
 * defaults (chain id 31337, twenty preset accounts of 10000 ETH from the
 * "test test ... junk" mnemonic), automining one block per transaction. */
module.exports = {
  networks: {
    hardhat: {
      chainId: 31337,
    },
  },
};
