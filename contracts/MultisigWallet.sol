// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// An m-of-n cold wallet: an owner submits a call, owners confirm, anyone executes once enough have.
/// The Bybit theft went through such a wallet: its signers approved a transaction they could not read.
contract MultisigWallet {
    address[] public owners;
    mapping(address => bool) public isOwner;
    uint256 public immutable threshold;

    struct Call {
        address to;
        uint256 value;
        bytes data;
        bool executed;
        uint256 confirmations;
    }
    Call[] public calls;
    mapping(uint256 => mapping(address => bool)) public confirmed;

    event Submission(uint256 indexed id);
    event Confirmation(address indexed owner, uint256 indexed id);
    event Execution(uint256 indexed id);

    constructor(address[] memory owners_, uint256 threshold_) {
        require(threshold_ > 0 && threshold_ <= owners_.length, "threshold");
        for (uint256 i = 0; i < owners_.length; i++) {
            isOwner[owners_[i]] = true;
            owners.push(owners_[i]);
        }
        threshold = threshold_;
    }

    receive() external payable {}

    function submit(address to, uint256 value, bytes calldata data) external returns (uint256 id) {
        require(isOwner[msg.sender], "not owner");
        id = calls.length;
        calls.push(Call(to, value, data, false, 0));
        emit Submission(id);
        confirm(id);
    }

    function confirm(uint256 id) public {
        require(isOwner[msg.sender], "not owner");
        require(!confirmed[id][msg.sender], "confirmed");
        confirmed[id][msg.sender] = true;
        calls[id].confirmations++;
        emit Confirmation(msg.sender, id);
    }

    function execute(uint256 id) external {
        Call storage c = calls[id];
        require(!c.executed && c.confirmations >= threshold, "not executable");
        c.executed = true;
        (bool ok, ) = c.to.call{value: c.value}(c.data);
        require(ok, "call failed");
        emit Execution(id);
    }
}
